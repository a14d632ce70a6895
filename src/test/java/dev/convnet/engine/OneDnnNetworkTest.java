package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.runtime.NativeRuntime;
import java.nio.FloatBuffer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The oneDNN path must compute exactly what DL4J's own training and inference compute. */
class OneDnnNetworkTest {
    private static LabeledImages train;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        train = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 1_000);
    }

    @Test
    void trainingStepsMatchDl4jFit() {
        assertStepsMatch(dev.convnet.model.Architecture.BOOK, 1e-6);
    }

    /** Run on a thread other than its builder's, oneDNN once crashed the JVM; now it is refused in one line. */
    @Test
    void anotherThreadIsRefusedNotCrashed() throws Exception {
        ComputationGraph graph = ConvNetModel.create(dev.convnet.model.Architecture.BOOK, new Hyperparameters(0.001, 42));
        OneDnnNetwork net = OneDnnNetwork.of(graph, 1, 28, 28, 8).orElseThrow();
        try {
            FloatBuffer pixels = train.pixels();
            assertEquals(8, net.predict(pixels, 0, 8).length);
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    net.predict(pixels, 0, 8);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "other");
            other.start();
            other.join();
            assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
            assertTrue(thrown.get().getMessage().contains("only on the thread that built it"), thrown.get().getMessage());
            assertEquals(8, net.predict(pixels, 0, 8).length); // still usable on its own thread
        } finally {
            net.close();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"32,64,128 3 1 same", "16,32 5 2 same", "8,16 4 1 valid"})
    void variantsMatchDl4jFitToo(String variant) {
        String[] v = variant.split(" ");
        assertStepsMatch(new dev.convnet.model.Architecture(dev.convnet.model.ModelType.CONVNET,
                java.util.Arrays.stream(v[0].split(",")).map(Integer::valueOf).toList(),
                Integer.parseInt(v[1]), Integer.parseInt(v[2]), dev.convnet.model.Padding.fromId(v[3])), 1e-3);
    }

    /**
     * Losses must agree at every step. Parameters agree to {@code paramTolerance}: RMSprop divides
     * by the root of the squared gradient, so a weight whose gradient is ~1e-7 in one summation
     * order and ~0 in another moves by up to lr/3 differently; the book's network shows none.
     */
    private static void assertStepsMatch(dev.convnet.model.Architecture arch, double paramTolerance) {
        ComputationGraph reference = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
        ComputationGraph fast = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
        OneDnnNetwork net = OneDnnNetwork.of(fast, 1, 28, 28, 64, Precision.FP32, false).orElseThrow();
        FloatBuffer pixels = train.pixels();
        int[] rows = new int[train.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i * 7) % rows.length; // a fixed shuffle
        }
        for (int step = 0; step < 6; step++) {
            int from = step * 64;
            int[] batch = java.util.Arrays.copyOfRange(rows, from, from + 64);
            INDArray flat = train.images().reshape(train.size(), 784);
            reference.fit(new DataSet(org.nd4j.linalg.factory.Nd4j.pullRows(flat, 1, batch).reshape(64, 1, 28, 28),
                    org.nd4j.linalg.factory.Nd4j.pullRows(train.labels(), 1, batch)));
            StepResult result = net.trainStep(pixels, train.classes(), rows, from, from + 64);
            assertEquals(reference.score(), result.lossSum() / 64, 1e-5, "loss at step " + step);
        }
        net.copyTo(fast);
        net.close();
        double paramDiff = reference.params().sub(fast.params()).amaxNumber().doubleValue();
        double stateDiff = reference.getUpdater().getStateViewArray().sub(fast.getUpdater().getStateViewArray())
                .amaxNumber().doubleValue();
        assertTrue(paramDiff < paramTolerance, "parameters differ by " + paramDiff);
        assertTrue(stateDiff < paramTolerance / 100, "RMSprop state differs by " + stateDiff);
        assertEquals(reference.getConfiguration().getIterationCount(), fast.getConfiguration().getIterationCount());
    }

    @Test
    void predictionsMatchDl4jOutputIncludingAPartialBatch() {
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.001, 9));
        OneDnnNetwork net = OneDnnNetwork.of(graph, 1, 28, 28, 128).orElseThrow();
        FloatBuffer pixels = train.pixels();
        for (int[] range : new int[][] {{0, 128}, {128, 256}, {256, 301}}) {
            float[][] fast = net.predict(pixels, range[0], range[1]);
            float[][] reference = graph.outputSingle(false, train.images().get(NDArrayIndex.interval(range[0], range[1])))
                    .toFloatMatrix();
            for (int i = 0; i < fast.length; i++) {
                for (int j = 0; j < 10; j++) {
                    assertEquals(reference[i][j], fast[i][j], 1e-5);
                }
            }
        }
        net.close();
    }

    @Test
    void declinesNetworksItDoesNotRun() {
        ComputationGraph withHiddenDense = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .updater(new RmsProp(0.001)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("hidden", new DenseLayer.Builder().nOut(16).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.SPARSE_MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build());
        withHiddenDense.init();
        OneDnnBuild net = OneDnnNetwork.of(withHiddenDense, 1, 28, 28, 64);
        assertTrue(net instanceof OneDnnBuild.Declined);
        String why = ((OneDnnBuild.Declined) net).reason();
        assertTrue(why != null && !why.isBlank());
    }
}
