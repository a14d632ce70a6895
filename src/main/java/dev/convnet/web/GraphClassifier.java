package dev.convnet.web;

import dev.convnet.data.Dataset;
import dev.convnet.engine.OneDnnNetwork;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Json;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.RunState;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link Classifier} over a saved model: our oneDNN engine where the network allows it (the
 * fast path), DL4J's own {@code output} otherwise.
 *
 * <p>The oneDNN engine builds its primitives once per batch size. Batches are therefore padded up
 * to the next power of two, so at most log2(maxBatch)+1 plans exist, all built while warming up
 * before the server reports healthy; padding costs at most one extra half batch of compute.
 */
public final class GraphClassifier implements Classifier {
    private final ComputationGraph graph;
    private final Optional<OneDnnNetwork> fast;
    private final ModelInfo info;
    private final int maxBatch;

    private GraphClassifier(ComputationGraph graph, Optional<OneDnnNetwork> fast, ModelInfo info, int maxBatch) {
        this.graph = graph;
        this.fast = fast;
        this.info = info;
        this.maxBatch = maxBatch;
    }

    /**
     * Loads {@code file} (ModelStore's checks apply: a damaged file is one ModelFileException) and
     * warms up every batch size the server will use.
     *
     * @param record the model's run record, or null when it has none
     */
    public static GraphClassifier open(Path file, RunState record, Dataset dataset, int maxBatch) {
        NativeRuntime.start();
        ComputationGraph graph = new ModelStore().load(file);
        Optional<OneDnnNetwork> fast = NativeRuntime.cpuBackend()
                ? OneDnnNetwork.of(graph, 1, 28, 28, bucket(maxBatch), new String[1]) : Optional.empty();
        double accuracy = Double.NaN;
        Map<String, Object> run = Map.of();
        if (record != null) {
            run = Json.run(record);
            String text = record.provenance().get("test.accuracy");
            accuracy = text == null ? Double.NaN : Double.parseDouble(text);
        }
        // Only the file's name: a server does not tell its callers where its files live.
        ModelInfo info = new ModelInfo(file.getFileName().toString(), dataset.id(), dataset.classNames(), graph.numParams(), accuracy,
                fast.isPresent() ? "oneDNN" : "DL4J", run);
        GraphClassifier classifier = new GraphClassifier(graph, fast, info, maxBatch);
        classifier.warmUp();
        return classifier;
    }

    @Override
    public float[][] classify(float[] pixels, int count) {
        if (count < 1 || count > maxBatch || pixels.length != count * PIXELS) {
            throw new IllegalArgumentException("batch of " + count + " images with " + pixels.length + " floats");
        }
        if (fast.isEmpty()) {
            return graph.outputSingle(false, Nd4j.create(pixels, new long[] {count, 1, 28, 28}, 'c')).toFloatMatrix();
        }
        int size = bucket(count);
        float[] padded = size == count ? pixels : Arrays.copyOf(pixels, size * PIXELS);
        float[][] probabilities = fast.get().predict(FloatBuffer.wrap(padded), 0, size);
        return size == count ? probabilities : Arrays.copyOf(probabilities, count);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        fast.ifPresent(OneDnnNetwork::close);
    }

    private void warmUp() {
        for (int size = 1; size <= maxBatch; size = size * 2) {
            classify(new float[size * PIXELS], size);
        }
        classify(new float[maxBatch * PIXELS], maxBatch);
    }

    /** The smallest power of two that holds {@code count} images. */
    static int bucket(int count) {
        return Integer.highestOneBit(Math.max(1, count - 1)) << (count > 1 ? 1 : 0);
    }
}
