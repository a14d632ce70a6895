package dev.convnet.train;

import dev.convnet.data.LabeledImages;
import dev.convnet.engine.OneDnnNetwork;
import dev.convnet.runtime.NativeRuntime;
import java.nio.FloatBuffer;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Runs training steps on one engine; {@link #sync()} makes the graph hold the latest weights. */
interface StepRunner extends AutoCloseable {

    /** One optimiser step on images {@code order[from..to)}; returns {@code {loss sum, correct}}. */
    double[] step(LabeledImages data, int[] order, int from, int to);

    /** Brings the graph's weights and optimiser state up to date. */
    void sync();

    /** Engine name for people, e.g. {@code oneDNN}. */
    String name();

    @Override
    void close();

    static StepRunner create(ComputationGraph graph, Engine engine, int batch, int[] imageShape) {
        if (engine == Engine.ONEDNN && !NativeRuntime.cpuBackend()) {
            throw new IllegalArgumentException("the oneDNN engine needs ND4J's CPU backend");
        }
        if (engine != Engine.DL4J && NativeRuntime.cpuBackend()) {
            String[] why = new String[1];
            Optional<OneDnnNetwork> net = OneDnnNetwork.of(graph, imageShape[0], imageShape[1], imageShape[2], batch, why);
            if (net.isPresent()) {
                return new OneDnn(graph, net.get());
            }
            if (engine == Engine.ONEDNN) {
                throw new IllegalArgumentException("the oneDNN engine cannot run this network: " + why[0]);
            }
        }
        return new Dl4j(graph);
    }

    /** Our oneDNN path: about 3x faster than DL4J's layers for this network. */
    final class OneDnn implements StepRunner {
        private final ComputationGraph graph;
        private final OneDnnNetwork net;
        private LabeledImages pixelsOf;
        private FloatBuffer pixels;

        OneDnn(ComputationGraph graph, OneDnnNetwork net) {
            this.graph = graph;
            this.net = net;
        }

        @Override
        public double[] step(LabeledImages data, int[] order, int from, int to) {
            if (pixelsOf != data) {
                pixelsOf = data;
                pixels = data.pixels();
            }
            return net.trainStep(pixels, data.classes(), order, from, to);
        }

        @Override
        public void sync() {
            net.copyTo(graph);
        }

        @Override
        public String name() {
            return "oneDNN";
        }

        @Override
        public void close() {
            net.close();
        }
    }

    /** DL4J's own training, kept for networks the oneDNN path does not cover. */
    final class Dl4j implements StepRunner {
        private final ComputationGraph graph;
        private final BatchAccuracy accuracy;

        Dl4j(ComputationGraph graph) {
            this.graph = graph;
            this.accuracy = new BatchAccuracy(graph);
            graph.setListeners(accuracy);
        }

        @Override
        public double[] step(LabeledImages data, int[] order, int from, int to) {
            int[] rows = java.util.Arrays.copyOfRange(order, from, to);
            int[] classes = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                classes[i] = data.classes()[rows[i]];
            }
            long n = data.size();
            INDArray flat = data.images().reshape(n, data.images().length() / n);
            long[] shape = data.images().shape();
            INDArray features = Nd4j.pullRows(flat, 1, rows).reshape(rows.length, shape[1], shape[2], shape[3]);
            INDArray labels = Nd4j.pullRows(data.labels(), 1, rows);
            accuracy.expect(classes);
            graph.fit(new DataSet(features, labels));
            return new double[] {graph.score() * rows.length, accuracy.correct()};
        }

        @Override
        public void sync() {
            // DL4J trains the graph in place
        }

        @Override
        public String name() {
            return "DL4J";
        }

        @Override
        public void close() {
            graph.setListeners();
        }
    }
}
