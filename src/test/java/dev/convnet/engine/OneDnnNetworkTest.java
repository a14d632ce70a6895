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
        assertStepsMatch(dev.convnet.model.Architecture.BOOK);
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
                Integer.parseInt(v[1]), Integer.parseInt(v[2]), dev.convnet.model.Padding.fromId(v[3])));
    }

    /**
     * Training must compute what DL4J's {@code fit} computes, judged in two parts so that no
     * tolerance depends on the CPU (oneDNN picks other kernels, and so other summation orders,
     * on AMD Zen and on Intel AVX-512 or AMX):
     * <ol>
     *   <li>From the same weights and batch, the loss and every layer's weight gradient equal
     *       DL4J's up to float32 rounding of the sums that make them ({@link Rounding#ofSums}).
     *   <li>Each step's RMSprop update equals DL4J's formula ({@code RmsPropUpdater}: cache = rho
     *       cache + (1-rho) g², w -= lr g / (sqrt(cache) + eps)) applied in double to the engine's
     *       own weights, state and gradient, up to a few float32 roundings of each term.
     * </ol>
     * A six-step trajectory is not compared with DL4J's: RMSprop's first steps move a weight by
     * about lr·√10 whatever its gradient's size, so a near-zero gradient that rounds to the other
     * sign on one CPU sends the runs apart without either being wrong.
     */
    private static void assertStepsMatch(dev.convnet.model.Architecture arch) {
        ComputationGraph reference = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
        ComputationGraph fast = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
        OneDnnNetwork net = OneDnnNetwork.of(fast, 1, 28, 28, 64, Precision.FP32, false).orElseThrow();
        NetworkSpec spec = ((NetworkSpec.Supported) NetworkSpec.of(fast, 1, 28, 28)).spec();
        FloatBuffer pixels = train.pixels();
        int[] rows = new int[train.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i * 7) % rows.length; // a fixed shuffle
        }
        INDArray flat = train.images().reshape(train.size(), 784);
        int[] first = java.util.Arrays.copyOfRange(rows, 0, 64);
        reference.setInputs(org.nd4j.linalg.factory.Nd4j.pullRows(flat, 1, first).reshape(64, 1, 28, 28));
        reference.setLabels(org.nd4j.linalg.factory.Nd4j.pullRows(train.labels(), 1, first));
        reference.computeGradientAndScore();
        org.deeplearning4j.nn.gradient.Gradient expected = reference.gradient();

        ComputationGraph before = fast.clone();
        ComputationGraph after = fast.clone();
        RmsProp rms = (RmsProp) ((org.deeplearning4j.nn.conf.layers.BaseLayer) fast.getLayer(0).conf().getLayer()).getIUpdater();
        for (int step = 0; step < 3; step++) {
            net.copyTo(before);
            int from = step * 64;
            StepResult result = net.trainStep(pixels, train.classes(), rows, from, from + 64);
            net.copyTo(after);
            if (step == 0) {
                double loss = result.lossSum() / 64;
                // the loss sums 64 logarithms of softmax outputs, each a few roundings from the logits
                assertEquals(reference.score(), loss, 64 * 8 * Rounding.FP32 * Math.max(1, Math.abs(loss)), "loss of the first batch");
            }
            for (int i = 0; i < spec.layers().size(); i++) {
                LayerSpec layer = spec.layers().get(i);
                if (fast.getLayer(layer.name()).numParams() == 0) {
                    continue;
                }
                float[] gradient = net.weightGradient(i);
                if (step == 0) {
                    // DL4J's gradient is the batch's sum; its updater divides it by the batch size
                    float[] dl4j = weightsOf(expected.gradient().div(64), reference, layer.name());
                    assertGradientsMatch(layer.name(), dl4j, gradient, Rounding.weightGradientLength(spec, i, 64));
                }
                assertRmsPropStep(layer.name(), rms, before, after, gradient);
            }
        }
        net.close();
        assertEquals(3, after.getConfiguration().getIterationCount(), "iterations counted in the graph");
    }

    private static void assertGradientsMatch(String layer, float[] expected, float[] actual, long reductionLength) {
        assertEquals(expected.length, actual.length, layer + " gradient size");
        double largest = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(largest > 0, layer + " has a gradient");
        double tolerance = Rounding.ofSums(reductionLength, Rounding.FP32);
        assertTrue(diff <= tolerance * largest, layer + " weight gradient differs from DL4J's by " + diff / largest
                + " of its largest element; float32 rounding allows " + tolerance);
    }

    private static void assertRmsPropStep(String layer, RmsProp rms, ComputationGraph before, ComputationGraph after,
                                          float[] gradient) {
        float[] w0 = weightsOf(before.params(), before, layer);
        float[] w1 = weightsOf(after.params(), after, layer);
        float[] c0 = weightsOf(before.getUpdater(true).getStateViewArray(), before, layer);
        float[] c1 = weightsOf(after.getUpdater(true).getStateViewArray(), after, layer);
        double lr = rms.getLearningRate();
        double rho = rms.getRmsDecay();
        double eps = rms.getEpsilon();
        for (int i = 0; i < w0.length; i++) {
            double g = gradient[i];
            double cache = rho * c0[i] + (1 - rho) * g * g;
            double update = lr * g / (Math.sqrt(cache) + eps);
            // a handful of float32 roundings of each term: the cache's two products and sum, the
            // square root, the quotient and the subtraction
            assertEquals(cache, c1[i], 8 * Rounding.FP32 * cache + Float.MIN_NORMAL, layer + " RMSprop cache at " + i);
            assertEquals(w0[i] - update, w1[i], 8 * Rounding.FP32 * (Math.abs(w0[i]) + Math.abs(update)) + Float.MIN_NORMAL,
                    layer + " weight after the RMSprop step at " + i);
        }
    }

    /**
     * A layer's weights in a vector laid out like the graph's flattened parameters (its
     * parameters, their gradient or their RMSprop cache), in that flat order: DL4J's plain layout.
     */
    private static float[] weightsOf(INDArray flat, ComputationGraph graph, String layer) {
        INDArray weights = graph.getParam(layer + "_W");
        long offset = weights.offset() - graph.params().offset();
        return flat.reshape(-1).get(NDArrayIndex.interval(offset, offset + weights.length())).toFloatVector();
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
                    // a probability (at most 1) moves with its logits, sums of up to 1,152 products
                    assertEquals(reference[i][j], fast[i][j], Rounding.ofSums(3 * 3 * 128, Rounding.FP32));
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
