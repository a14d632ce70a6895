package dev.convnet.bench;

import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.engine.Engine;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.ProgressListener;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.Trainer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The convnet side of {@code scripts/bench}: one training epoch and one test-set evaluation, timed
 * the way bench/pytorch_reference.py times PyTorch. Prints one line of JSON. A benchmark, not a test:
 * it lives in the test tree so that it is built with the project but never shipped in the jar.
 *
 * <p>Usage: {@code java -cp target/convnet.jar:target/test-classes dev.convnet.bench.TrainBenchmark DATA_DIR [ENGINE] [BATCH] [train-only]}
 */
public final class TrainBenchmark {
    private static final int WARMUP_STEPS = 30;
    private static final int MEASURED_STEPS = 300;

    private TrainBenchmark() {
    }

    public static void main(String[] args) {
        NativeRuntime.start();
        Path data = Path.of(args.length > 0 ? args[0] : "data/mnist");
        Engine engine = Engine.valueOf((args.length > 1 ? args[1] : "auto").toUpperCase(Locale.ROOT));
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        MnistLoader loader = new MnistLoader(data);
        LabeledImages train = loader.load(Split.TRAIN, 0);
        LabeledImages test = loader.load(Split.TEST, 0);
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(Hyperparameters.DEFAULT_LEARNING_RATE, 1));

        StepClock clock = new StepClock();
        EpochRecord epoch;
        String engineName;
        try (Trainer trainer = new Trainer(graph, batch, 1, clock, engine)) {
            engineName = trainer.engine();
            epoch = trainer.fit(train, 1).epochs().get(0);
        }
        double evalSeconds = 0;
        double accuracy = 0;
        if (args.length <= 3 || !args[3].equals("train-only")) { // profiles time the training step alone
            long evalStart = System.nanoTime();
            EvaluationResult result = new Evaluator(Evaluator.DEFAULT_BATCH, engine).evaluate(graph, test);
            evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            accuracy = result.accuracy();
        }

        double steady = (clock.measuredEnd - clock.measuredStart) / 1e9;
        System.out.printf(Locale.ROOT,
                "{\"engine\": \"%s\", \"first_batch_s\": %.3f, \"train_img_s\": %.1f, \"step_ms\": %.2f, "
                        + "\"epoch_s\": %.2f, \"eval_s\": %.3f, \"eval_accuracy\": %.4f, \"epoch_loss\": %.4f}%n",
                engineName, clock.firstBatchSinceJvmStart, MEASURED_STEPS * batch / steady, steady / MEASURED_STEPS * 1e3,
                epoch.seconds(), evalSeconds, accuracy, epoch.loss());
    }

    /** Records when the first step ends and the time over steps 31-330, as the reference does. */
    private static final class StepClock implements ProgressListener {
        double firstBatchSinceJvmStart;
        long measuredStart;
        long measuredEnd;

        @Override
        public void epochStarted(int epoch, int epochs, int steps) {
        }

        @Override
        public void batchFinished(int step, double meanLoss, double meanAccuracy) {
            long now = System.nanoTime();
            if (step == 1) {
                firstBatchSinceJvmStart = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
            } else if (step == WARMUP_STEPS) {
                measuredStart = now;
            } else if (step == WARMUP_STEPS + MEASURED_STEPS) {
                measuredEnd = now;
            }
        }

        @Override
        public void epochFinished(EpochRecord record) {
        }
    }
}
