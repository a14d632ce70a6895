package dev.convnet.bench;

import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.data.augment.Augmentation;
import dev.convnet.engine.Engine;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.ProgressListener;
import dev.convnet.platform.NativeRuntime;
import dev.convnet.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What {@code train --augment} costs: epochs with and without augmentation, alternated in one
 * process (so both meet the same machine load), on the oneDNN engine. Prints each epoch's
 * seconds, the medians, their ratio, the median of each round's ratio, the augmenter's CPU seconds
 * an epoch and how long the steps waited for augmented batches, as one line of JSON. A benchmark,
 * not a test: timings never go into an assertion.
 *
 * <p>Usage: {@code java -cp target/convnet.jar:target/test-classes dev.convnet.bench.AugmentBenchmark [DATA_DIR] [IMAGES] [ROUNDS] [AUGMENT]}
 */
public final class AugmentBenchmark {
    private AugmentBenchmark() {
    }

    public static void main(String[] args) {
        NativeRuntime.start();
        Path data = Path.of(args.length > 0 ? args[0] : "data/mnist");
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Augmentation augmentation = args.length > 3 ? Augmentation.parse(args[3]) : Augmentation.DEFAULTS;
        LabeledImages train = new MnistLoader(data).load(Split.TRAIN, images);
        epoch(train, Augmentation.NONE, new double[2]); // warm-up: JIT, oneDNN primitives
        epoch(train, augmentation, new double[2]); // and the augmenter's JIT, or round 1 pays for it
        double[] plain = new double[rounds];
        double[] augmented = new double[rounds];
        double[] waited = new double[1];
        double[] pairs = new double[rounds];
        double[] cpu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            plain[r] = epoch(train, Augmentation.NONE, new double[2]);
            double[] augmentedRun = new double[2];
            augmented[r] = epoch(train, augmentation, augmentedRun);
            waited[0] += augmentedRun[0];
            cpu[r] = augmentedRun[1];
            pairs[r] = augmented[r] / plain[r];
        }
        double p = median(plain);
        double a = median(augmented);
        // pair_ratio: the median of each round's augmented / plain, epochs run back to back, so a
        // machine whose speed drifts (shared cores) moves both; augmenter_cpu_s: the producer's CPU
        // time an epoch (augmenting and filling batches), which the steps lose on a machine whose
        // cores training keeps busy
        System.out.printf(Locale.ROOT, "{\"images\": %d, \"augment\": \"%s\", \"plain_epoch_s\": %s, \"augmented_epoch_s\": %s, "
                        + "\"plain_median_s\": %.2f, \"augmented_median_s\": %.2f, \"ratio\": %.3f, \"pair_ratio\": %.3f, "
                        + "\"augmenter_cpu_s\": %.2f, \"steps_waited_s\": %.2f, \"load_average\": %.1f, \"cpus\": %d}%n",
                train.size(), augmentation, Arrays.toString(plain), Arrays.toString(augmented), p, a, a / p, median(pairs),
                median(cpu), waited[0],
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** One epoch's seconds; adds the steps' wait for batches to {@code augmenter[0]}, the producer's CPU seconds to {@code augmenter[1]}. */
    private static double epoch(LabeledImages train, Augmentation augmentation, double[] augmenter) {
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(Hyperparameters.DEFAULT_LEARNING_RATE, 1));
        try (Trainer trainer = new Trainer(graph, Engine.ONEDNN.open(graph, 64), new Evaluator(256, Engine.ONEDNN), 64, 1,
                ProgressListener.SILENT, augmentation)) {
            EpochRecord record = trainer.fit(train, 1).epochs().get(0);
            augmenter[0] += trainer.augmentationWaitSeconds();
            augmenter[1] += trainer.augmentationCpuSeconds();
            return Math.round(record.seconds() * 100) / 100.0;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
