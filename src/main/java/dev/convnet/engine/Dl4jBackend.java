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
    /** Keras' {@code ema_momentum} while the weights are averaged, else negative. */
    private float averageMomentum = -1;
    private boolean averageFromNextStep;
    private INDArray average; // the weights' moving average, in params() order
    /** The optimiser's weights while the graph holds the average (from a sync to the next step), else null. */
    private INDArray training;
    private float[] trainingAtSync;

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
        if (training != null) { // the graph holds the average since sync(): step from the optimiser's weights
            graph.params().assign(training);
            training = null;
        }
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
        if (average != null) {
            float momentum = averageFromNextStep ? 0 : averageMomentum;
            // momentum·average + (1 - momentum)·weights, in place: no copy of the weights a step
            INDArray weights = graph.params();
            average.subi(weights).muli(momentum).addi(weights);
            averageFromNextStep = false;
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
    public void averageWeights(double momentum, float[] trainingWeights) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("ema momentum must be at least 0 and below 1, got " + momentum);
        }
        INDArray params = graph.params();
        if (trainingWeights != null && trainingWeights.length != params.length()) {
            throw new IllegalArgumentException("training weights: " + trainingWeights.length + " values for a network of "
                    + params.length() + " parameters");
        }
        average = params.dup();
        if (trainingWeights != null) {
            params.assign(Nd4j.createFromArray(trainingWeights).reshape(params.shape()));
        }
        averageMomentum = (float) momentum;
        averageFromNextStep = graph.getConfiguration().getIterationCount() == 0;
    }

    @Override
    public float[] trainingWeights() {
        return trainingAtSync == null ? null : trainingAtSync.clone();
    }

    /** DL4J trains the graph in place; with averaging, the graph takes the average until the next step. */
    @Override
    public void sync() {
        if (average == null || training != null) {
            return;
        }
        training = graph.params().dup();
        List<INDArray[]> statistics = new ArrayList<>(); // BatchNormalization's moving mean and variance: not averaged
        for (Layer layer : graph.getLayers()) {
            for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
                if (MOVING_STATISTICS.contains(param.getKey())
                        && layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                    statistics.add(new INDArray[] {param.getValue(), param.getValue().dup()});
                }
            }
        }
        graph.params().assign(average);
        for (INDArray[] kept : statistics) {
            kept[0].assign(kept[1]);
        }
        trainingAtSync = training.dup().reshape(-1).toFloatVector();
    }

    private static final java.util.Set<String> MOVING_STATISTICS = java.util.Set.of(
            org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GLOBAL_MEAN,
            org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GLOBAL_VAR,
            org.deeplearning4j.nn.params.BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

    @Override
    public void close() {
        if (accuracy != null) {
            graph.setListeners();
        }
    }
}
