package dev.convnet.train;

import dev.convnet.data.LabeledImages;
import dev.convnet.data.augment.Augmentation;
import dev.convnet.engine.Backend;
import dev.convnet.engine.Batch;
import dev.convnet.engine.Engine;
import dev.convnet.engine.StepResult;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.History;
import dev.convnet.run.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The epoch loop: shuffle, fit mini-batches, report progress, as Keras' {@code fit} does.
 *
 * <p>Each epoch's order comes from {@code seed} and the epoch number alone, so a run is repeatable
 * and could resume at any epoch. The steps themselves run on a {@link Backend} (oneDNN or DL4J);
 * at the end of every epoch the graph is brought up to date, so it can be saved or evaluated.
 * Validation runs through {@code validator} on the up-to-date graph.
 */
public final class Trainer implements AutoCloseable {
    private final ComputationGraph graph;
    private final Backend backend;
    private final Evaluator validator;
    private final int batchSize;
    private final long seed;
    private final ProgressListener progress;
    private final Augmentation augmentation;
    private volatile boolean stopRequested;
    private float[] restoredTrainingWeights;
    private double augmentationWait;
    private double augmentationCpu;

    /** Trains {@code graph} on {@code backend} (which this trainer closes), validating with {@code validator}. */
    public Trainer(ComputationGraph graph, Backend backend, Evaluator validator, int batchSize, long seed,
                   ProgressListener progress) {
        this(graph, backend, validator, batchSize, seed, progress, Augmentation.NONE);
    }

    /**
     * As above, each training image changed at random by {@code augmentation} on a thread of its
     * own ({@link Augmentation#NONE}: the images as they are, on the training thread).
     */
    public Trainer(ComputationGraph graph, Backend backend, Evaluator validator, int batchSize, long seed,
                   ProgressListener progress, Augmentation augmentation) {
        this.augmentation = augmentation;
        this.graph = graph;
        this.backend = backend;
        this.validator = validator;
        this.batchSize = batchSize;
        this.seed = seed;
        this.progress = progress;
    }

    /**
     * Trains on a backend of {@code engine}.
     *
     * @throws dev.convnet.engine.EngineUnavailableException when that engine cannot run the graph
     */
    public Trainer(ComputationGraph graph, int batchSize, long seed, ProgressListener progress, Engine engine) {
        this(graph, engine.open(graph, batchSize), new Evaluator(Evaluator.DEFAULT_BATCH, engine), batchSize, seed, progress);
    }

    public Trainer(ComputationGraph graph, int batchSize, long seed, ProgressListener progress) {
        this(graph, batchSize, seed, progress, Engine.AUTO);
    }

    /** The engine the steps run on, e.g. {@code oneDNN}. */
    public String engine() {
        return backend.name();
    }

    public History fit(LabeledImages train, int epochs) {
        return fit(train, 1, epochs, record -> { });
    }

    /**
     * Trains epochs {@code first..last}; after each one the graph is up to date and
     * {@code afterEpoch} runs (to write a checkpoint, say).
     */
    public History fit(LabeledImages train, int first, int last, Consumer<EpochRecord> afterEpoch) {
        return fit(train, null, first, last, 0, afterEpoch);
    }

    /**
     * As {@link #fit(LabeledImages, int, int, Consumer)}, also measuring loss and accuracy on
     * {@code validation} after every epoch (when not null). With {@code patience > 0}, stops once
     * the validation loss has not improved for that many epochs, as Keras' EarlyStopping does, and
     * in any case ends with the weights of the epoch with the lowest validation loss
     * ({@code restore_best_weights=True}).
     */
    public History fit(LabeledImages train, LabeledImages validation, int first, int last, int patience,
                       Consumer<EpochRecord> afterEpoch) {
        List<EpochRecord> epochs = new ArrayList<>();
        BestWeights best = patience > 0 ? new BestWeights() : null;
        boolean stoppedEarly = false;
        for (int epoch = first; epoch <= last; epoch++) {
            EpochRecord record = runEpoch(train, epoch, last);
            if (validation != null) {
                EvaluationResult result = validator.evaluate(graph, validation);
                record = record.withValidation(result.loss(), result.accuracy());
            }
            epochs.add(record);
            progress.epochFinished(record);
            afterEpoch.accept(record);
            if (best != null && best.stopAfter(record, patience)) {
                stoppedEarly = true;
                break;
            }
        }
        if (best != null && best.epoch > 0) {
            best.restore();
            return new History(epochs, stoppedEarly, best.epoch);
        }
        return new History(epochs, stoppedEarly, 0);
    }

    /** The weights and optimiser state of the epoch with the lowest validation loss so far. */
    private final class BestWeights {
        private double loss = Double.POSITIVE_INFINITY;
        private int epoch;
        private int epochsWithoutImprovement;
        private INDArray params;
        private INDArray updaterState;
        private float[] trainingWeights;

        boolean stopAfter(EpochRecord record, int patience) {
            if (record.valLoss() < loss) {
                loss = record.valLoss();
                epoch = record.epoch();
                epochsWithoutImprovement = 0;
                params = graph.params().dup();
                INDArray state = graph.getUpdater(true).getStateViewArray();
                updaterState = state == null ? null : state.dup();
                trainingWeights = backend.trainingWeights();
                return false;
            }
            return ++epochsWithoutImprovement >= patience;
        }

        void restore() {
            graph.params().assign(params);
            if (updaterState != null) {
                graph.getUpdater(true).getStateViewArray().assign(updaterState);
            }
            restoredTrainingWeights = trainingWeights;
        }
    }

    /**
     * When the weights are averaged ({@link Backend#averageWeights}), the optimiser's weights that go
     * with the graph's: the last epoch's, or the restored best epoch's; null otherwise.
     */
    public float[] trainingWeights() {
        return restoredTrainingWeights != null ? restoredTrainingWeights.clone() : backend.trainingWeights();
    }

    /** Asks training to stop after the current step; safe to call from a signal handler's thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Seconds the training steps have waited for augmented batches, over all epochs so far (0 without augmentation). */
    public double augmentationWaitSeconds() {
        return augmentationWait;
    }

    /** CPU seconds augmentation's producer thread has used, over all epochs so far (0 without augmentation). */
    public double augmentationCpuSeconds() {
        return augmentationCpu;
    }

    @Override
    public void close() {
        backend.close();
    }

    private EpochRecord runEpoch(LabeledImages train, int epoch, int epochs) {
        long start = System.nanoTime();
        int n = train.size();
        int steps = (n + batchSize - 1) / batchSize;
        int[] order = permutation(n, new Random(seed * 1_000_003L + epoch));

        progress.epochStarted(epoch, epochs, steps);
        if (augmentation.isNone()) {
            return steps(epoch, start, n, steps, (from, to) -> new Batch(train, order, from, to));
        }
        // Its own stream, not the shuffle's: the order stays the unaugmented run's
        try (AugmentedBatches batches = new AugmentedBatches(train, order, batchSize, augmentation,
                (seed * 1_000_003L + epoch) ^ 0x6A09E667F3BCC909L)) {
            try {
                return steps(epoch, start, n, steps, (from, to) -> batches.next());
            } finally {
                augmentationWait += batches.waitedSeconds();
                augmentationCpu += batches.producerCpuSeconds();
            }
        }
    }

    /** Where a step's batch comes from: the images {@code from..to} of the epoch's order. */
    @FunctionalInterface
    private interface BatchSource {
        Batch batch(int from, int to);
    }

    private EpochRecord steps(int epoch, long start, int n, int steps, BatchSource source) {
        double lossSum = 0;
        long correct = 0;
        for (int step = 0; step < steps; step++) {
            int from = step * batchSize;
            int to = Math.min(n, from + batchSize);
            StepResult result = backend.train(source.batch(from, to));
            double loss = result.lossSum() / (to - from);
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(String.format(
                        "loss became %s at epoch %d, step %d: the learning rate is probably too high", loss, epoch, step + 1));
            }
            if (stopRequested) {
                throw new TrainingInterruptedException(epoch, step + 1);
            }
            lossSum += result.lossSum();
            correct += result.correct();
            progress.batchFinished(step + 1, lossSum / to, (double) correct / to);
        }
        backend.sync();
        graph.getConfiguration().setEpochCount(epoch);
        return new EpochRecord(epoch, lossSum / n, (double) correct / n, (System.nanoTime() - start) / 1e9, steps);
    }

    private static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
