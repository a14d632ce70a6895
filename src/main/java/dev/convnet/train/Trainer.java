package dev.convnet.train;

import dev.convnet.data.LabeledImages;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The epoch loop: shuffle, fit mini-batches, report progress, as Keras' {@code fit} does.
 *
 * <p>Each epoch's order comes from {@code seed} and the epoch number alone, so a run is repeatable
 * and could resume at any epoch. The shuffled copy is made once per epoch; batches are views of it.
 */
public final class Trainer {
    private final ComputationGraph graph;
    private final int batchSize;
    private final long seed;
    private final ProgressListener progress;

    public Trainer(ComputationGraph graph, int batchSize, long seed, ProgressListener progress) {
        this.graph = graph;
        this.batchSize = batchSize;
        this.seed = seed;
        this.progress = progress;
    }

    public History fit(LabeledImages train, int epochs) {
        BatchAccuracy accuracy = new BatchAccuracy(graph);
        graph.setListeners(accuracy);
        History history = new History();
        try {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                EpochRecord record = runEpoch(train, epoch, epochs, accuracy);
                history.add(record);
                progress.epochFinished(record);
            }
        } finally {
            graph.setListeners();
        }
        return history;
    }

    private EpochRecord runEpoch(LabeledImages train, int epoch, int epochs, BatchAccuracy accuracy) {
        long start = System.nanoTime();
        int n = train.size();
        int steps = (n + batchSize - 1) / batchSize;
        int[] order = permutation(n, new Random(seed * 1_000_003L + epoch));
        INDArray images = Nd4j.pullRows(train.images().reshape(n, train.images().length() / n), 1, order);
        INDArray labels = Nd4j.pullRows(train.labels(), 1, order);
        long[] imageShape = train.images().shape();

        progress.epochStarted(epoch, epochs, steps);
        double lossSum = 0;
        long correct = 0;
        for (int step = 0; step < steps; step++) {
            int from = step * batchSize;
            int to = Math.min(n, from + batchSize);
            int[] classes = new int[to - from];
            for (int i = from; i < to; i++) {
                classes[i - from] = train.classes()[order[i]];
            }
            INDArray features = images.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())
                    .reshape(to - from, imageShape[1], imageShape[2], imageShape[3]);
            accuracy.expect(classes);
            graph.fit(new DataSet(features, labels.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())));
            double loss = graph.score();
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(String.format(
                        "loss became %s at epoch %d, step %d: the learning rate is probably too high", loss, epoch, step + 1));
            }
            lossSum += loss * classes.length;
            correct += accuracy.correct();
            progress.batchFinished(step + 1, lossSum / to, (double) correct / to);
        }
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
