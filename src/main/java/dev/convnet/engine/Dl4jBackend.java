package dev.convnet.engine;

import dev.convnet.data.LabeledImages;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J's own {@code fit} and {@code output}, for networks and backends the oneDNN path does not cover. */
final class Dl4jBackend implements Backend {
    private final ComputationGraph graph;
    private final InputShape shape;
    private final int classes;
    private BatchAccuracy accuracy; // installed on the first training step: inference leaves the graph alone
    private final String why;
    private Map<String, float[]> kernelsBefore; // set by measureNextUpdate until the next step
    private List<UpdateRatio> updateRatios = List.of();

    Dl4jBackend(ComputationGraph graph, InputShape shape, int classes) {
        this(graph, shape, classes, null);
    }

    /** @param why why DL4J runs although oneDNN was wanted (shown with the name), or null */
    Dl4jBackend(ComputationGraph graph, InputShape shape, int classes, String why) {
        this.why = why;
        this.graph = graph;
        this.shape = shape;
        this.classes = classes;
    }

    @Override
    public String name() {
        return why == null ? "DL4J" : "DL4J (" + why + ")";
    }

    @Override
    public InputShape inputShape() {
        return shape;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public StepResult train(Batch batch) {
        if (accuracy == null) {
            accuracy = new BatchAccuracy(graph);
            graph.setListeners(accuracy);
        }
        LabeledImages data = batch.data();
        int[] rows = Arrays.copyOfRange(batch.order(), batch.from(), batch.to());
        int[] classes = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            classes[i] = data.classes()[rows[i]];
        }
        long n = data.size();
        INDArray flat = data.images().reshape(n, data.images().length() / n);
        long[] dims = data.images().shape();
        INDArray features = Nd4j.pullRows(flat, 1, rows).reshape(rows.length, dims[1], dims[2], dims[3]);
        INDArray labels = Nd4j.pullRows(data.labels(), 1, rows);
        accuracy.expect(classes);
        graph.fit(new DataSet(features, labels));
        if (kernelsBefore != null) {
            measureUpdate();
        }
        return new StepResult(graph.score() * rows.length, accuracy.correct());
    }

    @Override
    public void measureNextUpdate() {
        kernelsBefore = new LinkedHashMap<>();
        for (Layer layer : graph.getLayers()) {
            INDArray kernel = layer.numParams() == 0 ? null : layer.getParam("W");
            if (kernel != null) {
                kernelsBefore.put(layer.conf().getLayer().getLayerName(), kernel.dup().data().asFloat());
            }
        }
    }

    @Override
    public List<UpdateRatio> updateRatios() {
        return updateRatios;
    }

    /** DL4J updates in place: the ratio is the difference of two copies of each kernel. */
    private void measureUpdate() {
        List<UpdateRatio> measured = new ArrayList<>();
        for (Map.Entry<String, float[]> before : kernelsBefore.entrySet()) {
            float[] after = graph.getLayer(before.getKey()).getParam("W").dup().data().asFloat();
            measured.add(UpdateRatio.between(before.getKey(), before.getValue(), after));
        }
        updateRatios = List.copyOf(measured);
        kernelsBefore = null;
    }

    @Override
    public float[][] infer(FloatBuffer images, int from, int to) {
        float[] values = new float[(to - from) * shape.pixels()];
        images.get(from * shape.pixels(), values);
        INDArray input = Nd4j.create(values, new long[] {to - from, shape.channels(), shape.height(), shape.width()}, 'c');
        return graph.outputSingle(false, input).toFloatMatrix();
    }

    @Override
    public void sync() {
        // DL4J trains the graph in place
    }

    @Override
    public void close() {
        if (accuracy != null) {
            graph.setListeners();
        }
    }
}
