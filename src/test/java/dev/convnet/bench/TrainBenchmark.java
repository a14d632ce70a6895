package dev.convnet.bench;

import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.engine.Engine;
import dev.convnet.engine.Precision;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.ProgressListener;
import dev.convnet.platform.NativeRuntime;
import dev.convnet.train.Trainer;
import dev.convnet.train.TrainingInterruptedException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The convnet side of {@code scripts/bench}: one training epoch and one test-set evaluation, timed
 * the way bench/pytorch_reference.py times PyTorch. Prints one line of JSON. A benchmark, not a test:
 * it lives in the test tree so that it is built with the project but never shipped in the jar.
 *
 * <p>Usage: {@code java -cp target/convnet.jar:target/test-classes dev.convnet.bench.TrainBenchmark DATA_DIR [ENGINE] [BATCH] [full|train-only|first-batch] [fp32|bf16]}
 */
public final class TrainBenchmark {
    private static final int WARMUP_STEPS = 30;
    private static final int MEASURED_STEPS = 300;

    private TrainBenchmark() {
    }

    public static void main(String[] args) {
        NativeRuntime.start();
        if (args.length == 1 && args[0].equals("--bf16-check")) { // for scripts/bench: exit status 0 where bf16 runs
            System.exit(Precision.BF16.unavailableReason() == null ? 0 : 1);
        }
        Precision precision = Precision.fromId(args.length > 4 ? args[4] : "fp32");
        Path data = Path.of(args.length > 0 ? args[0] : "data/mnist");
        Engine engine = Engine.valueOf((args.length > 1 ? args[1] : "auto").toUpperCase(Locale.ROOT));
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        MnistLoader loader = new MnistLoader(data);
        LabeledImages train = loader.load(Split.TRAIN, 0);
        LabeledImages test = loader.load(Split.TEST, 0);
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(Hyperparameters.DEFAULT_LEARNING_RATE, 1));

        String mode = args.length > 3 ? args[3] : "full";
        StepClock clock = new StepClock(mode.equals("first-batch"));
        EpochRecord epoch = null;
        String engineName;
        try (Trainer trainer = new Trainer(graph, engine.open(graph, batch, precision),
                new Evaluator(Evaluator.DEFAULT_BATCH, engine), batch, 1, clock)) {
            engineName = trainer.engine();
            if (mode.equals("steady")) { // the measured steps only, then the evaluation
                clock.afterMeasuredSteps = trainer::requestStop;
            }
            try {
                epoch = trainer.fit(train, 1).epochs().get(0);
            } catch (TrainingInterruptedException stoppedAfterMeasuring) {
                // expected in steady mode
            }
        }
        double evalSeconds = 0;
        double accuracy = 0;
        if (!mode.equals("train-only")) { // profiles time the training step alone
            long evalStart = System.nanoTime();
            EvaluationResult result = new Evaluator(Evaluator.DEFAULT_BATCH, engine, precision).evaluate(graph, test); // in the column's precision
            evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            accuracy = result.accuracy();
        }

        double steady = (clock.measuredEnd - clock.measuredStart) / 1e9;
        System.out.printf(Locale.ROOT,
                "{\"engine\": \"%s\", \"first_batch_s\": %.3f, \"first_batch_cpu_s\": %.3f, \"train_img_s\": %.1f, \"step_ms\": %.2f, "
                        + "\"epoch_s\": %.2f, \"eval_s\": %.3f, \"eval_accuracy\": %.4f, \"epoch_loss\": %.4f}%n",
                engineName, clock.firstBatchSinceJvmStart, clock.firstBatchCpu, MEASURED_STEPS * batch / steady, steady / MEASURED_STEPS * 1e3,
                epoch == null ? 0 : epoch.seconds(), evalSeconds, accuracy, epoch == null ? 0 : epoch.loss());
    }

    /** Records when the first step ends and the time over steps 31-330, as the reference does. */
    private static final class StepClock implements ProgressListener {
        double firstBatchSinceJvmStart;
        double firstBatchCpu;
        Runnable afterMeasuredSteps = () -> { };
        private final boolean exitAfterFirstBatch;

        StepClock(boolean exitAfterFirstBatch) {
            this.exitAfterFirstBatch = exitAfterFirstBatch;
        }
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
                firstBatchCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime() / 1e9; // CPU time: what start-up costs, whatever else the machine runs
                if (exitAfterFirstBatch) { // start-up measurements need no more
                    System.out.printf(Locale.ROOT, "{\"first_batch_s\": %.3f, \"first_batch_cpu_s\": %.3f}%n",
                            firstBatchSinceJvmStart, firstBatchCpu);
                    System.exit(0);
                }
            } else if (step == WARMUP_STEPS) {
                measuredStart = now;
            } else if (step == WARMUP_STEPS + MEASURED_STEPS) {
                measuredEnd = now;
                afterMeasuredSteps.run();
            }
        }

        @Override
        public void epochFinished(EpochRecord record) {
        }
    }
}
