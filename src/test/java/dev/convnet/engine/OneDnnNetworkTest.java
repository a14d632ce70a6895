package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.platform.NativeRuntime;
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

    /** Conv2D (linear) → BatchNormalization → ReLU, as {@code train --batch-norm} builds it. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"32,64,128 3 1 valid", "16,32 5 2 same pool-last"})
    void batchNormalizationStepsMatchDl4j(String variant) {
        String[] v = variant.split(" ");
        assertStepsMatch(new dev.convnet.model.Architecture(dev.convnet.model.ModelType.CONVNET,
                java.util.Arrays.stream(v[0].split(",")).map(Integer::valueOf).toList(),
                Integer.parseInt(v[1]), Integer.parseInt(v[2]), dev.convnet.model.Padding.fromId(v[3]))
                .withPoolLast(v.length > 4).withBatchNorm(true));
    }

    /**
     * BatchNormalization where Keras models also put it: after a convolution's ReLU (no ReLU fused
     * into it), after a pooling, and on some convolutions only, each mixed with the others.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "32,64,128 3 1 valid | after-relu,after-relu,after-relu",
        "16,32 5 2 same pool-last | after-pool,after-pool",
        "32,64,128 3 1 valid | before-relu,none,before-relu",
        "16,32,64 3 1 same pool-last | after-relu,before-relu,after-pool",
        "16,32 3 1 same pool-last | after-relu,none"})
    void batchNormalizationAnywhereStepsMatchDl4j(String variant) {
        String[] parts = variant.split(" \\| ");
        String[] v = parts[0].split(" ");
        assertStepsMatch(new dev.convnet.model.Architecture(dev.convnet.model.ModelType.CONVNET,
                java.util.Arrays.stream(v[0].split(",")).map(Integer::valueOf).toList(),
                Integer.parseInt(v[1]), Integer.parseInt(v[2]), dev.convnet.model.Padding.fromId(v[3]))
                .withPoolLast(v.length > 4).withBatchNorms(java.util.Arrays.stream(parts[1].split(","))
                        .map(dev.convnet.model.BatchNormPlacement::fromId).toList()));
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
            int comparableFrom = step == 0 ? firstLayerAboveReluFlips(spec, net, reference) : 0;
            for (int i = 0; i < spec.layers().size(); i++) {
                LayerSpec layer = spec.layers().get(i);
                if (layer instanceof LayerSpec.BatchNorm norm) {
                    assertBatchNormBackward(net, i, norm, before, inputMaskedByRelu(spec, i));
                }
                if (fast.getLayer(layer.name()).numParams() == 0) {
                    continue;
                }
                String[] keys = parameterKeys(layer);
                float[][] gradients = {net.weightGradient(i), net.biasGradient(i)};
                for (int k = 0; k < 2; k++) {
                    String key = layer.name() + "_" + keys[k];
                    // DL4J's gradient is the batch's sum; its updater divides it by the batch size
                    float[] dl4j = step == 0 ? valuesOf(expected.gradient().div(64), reference, key) : null;
                    if (k == 1 && layer instanceof LayerSpec.Conv c && !c.relu()) {
                        // a bias right before a BatchNormalization: the normalisation subtracts the
                        // batch mean, so its exact gradient is 0 and both sides hold rounding noise
                        assertBiasBeforeNormIsZero(net, i, gradients[k], dl4j);
                    } else if (step == 0 && i >= comparableFrom) {
                        assertGradientsMatch(key, dl4j, gradients[k], roundingLength(spec, i, k == 1));
                    }
                    assertRmsPropStep(key, rms, before, after, gradients[k]);
                }
            }
            if (step == 0) {
                assertMovingStatisticsMatch(spec, fast, reference, after, first);
            }
        }
        net.close();
        assertEquals(3, after.getConfiguration().getIterationCount(), "iterations counted in the graph");
    }

    /**
     * Dropout: the two implementations draw from different generators, so DL4J is given the
     * engine's own mask (a fixed {@link org.deeplearning4j.nn.conf.dropout.IDropout}) and must then
     * compute the same loss and gradients from the same weights and batch. The mask itself must be
     * inverted dropout at Keras' rate: every value 0 or {@code 1 / (1 - rate)} in float32, the kept
     * share within 6 standard deviations of {@code 1 - rate}, a new mask at each step, the same masks
     * for the same seed. In inference
     * the layer is the identity: the engine's probabilities equal DL4J's (which skip dropout there).
     */
    @Test
    void dropoutStepMatchesDl4jGivenTheEnginesMask() {
        double rate = 0.3;
        dev.convnet.model.Architecture arch = dev.convnet.model.Architecture.BOOK.withDropout(rate);
        ComputationGraph reference = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
        ComputationGraph fast = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
        OneDnnNetwork net = OneDnnNetwork.of(fast, 1, 28, 28, 64, Precision.FP32, false).orElseThrow();
        NetworkSpec spec = ((NetworkSpec.Supported) NetworkSpec.of(fast, 1, 28, 28)).spec();
        int dropout = spec.layers().size() - 2;
        assertTrue(spec.layers().get(dropout) instanceof LayerSpec.Dropout d && Math.abs(d.rate() - rate) <= 2 * Math.ulp(rate),
                "the engine runs the Dropout layer at Keras' rate: " + spec.layers());
        int[] rows = new int[128];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i * 7) % train.size();
        }
        StepResult result = net.trainStep(train.pixels(), train.classes(), rows, 0, 64);
        float[] mask = net.dropoutMask(dropout, 64);
        float scale = (float) (1 / (1 - rate)); // 1 / 0.7 in float32 (DL4J keeps p = 0.7 exactly)
        long kept = 0;
        for (float m : mask) {
            assertTrue(m == 0f || m == scale, "mask value " + m);
            kept += m == scale ? 1 : 0;
        }
        double expectedKept = mask.length * (1 - rate);
        double sd = Math.sqrt(mask.length * rate * (1 - rate));
        assertEquals(expectedKept, kept, 6 * sd, "units kept of " + mask.length);

        INDArray maskArray = org.nd4j.linalg.factory.Nd4j.createFromArray(mask).reshape(64, mask.length / 64);
        reference.getLayer(ConvNetModel.DROPOUT).conf().getLayer().setIDropout(new FixedMask(maskArray));
        INDArray flat = train.images().reshape(train.size(), 784);
        int[] first = java.util.Arrays.copyOfRange(rows, 0, 64);
        reference.setInputs(org.nd4j.linalg.factory.Nd4j.pullRows(flat, 1, first).reshape(64, 1, 28, 28));
        reference.setLabels(org.nd4j.linalg.factory.Nd4j.pullRows(train.labels(), 1, first));
        reference.computeGradientAndScore();
        double loss = result.lossSum() / 64;
        assertEquals(reference.score(), loss, 64 * 8 * Rounding.FP32 * Math.max(1, Math.abs(loss)), "loss of the batch");
        INDArray expected = reference.gradient().gradient().div(64);
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            if (fast.getLayer(layer.name()).numParams() > 0) {
                assertGradientsMatch(layer.name() + "_W", valuesOf(expected, reference, layer.name() + "_W"), net.weightGradient(i),
                        Rounding.gradientLength(spec, i, false, 64));
                assertGradientsMatch(layer.name() + "_b", valuesOf(expected, reference, layer.name() + "_b"), net.biasGradient(i),
                        Rounding.gradientLength(spec, i, true, 64));
            }
        }

        net.trainStep(train.pixels(), train.classes(), rows, 64, 128);
        assertTrue(!java.util.Arrays.equals(mask, net.dropoutMask(dropout, 64)), "each step draws a new mask");
        // seeded like everything else: the same model and seed draw the same masks, another seed others
        for (long seed : new long[] {42, 43}) {
            ComputationGraph again = ConvNetModel.create(arch, new Hyperparameters(0.001, seed));
            try (OneDnnNetwork twin = OneDnnNetwork.of(again, 1, 28, 28, 64, Precision.FP32, false).orElseThrow()) {
                twin.trainStep(train.pixels(), train.classes(), rows, 0, 64);
                assertEquals(seed == 42, java.util.Arrays.equals(mask, twin.dropoutMask(dropout, 64)), "masks with seed " + seed);
            }
        }

        ComputationGraph trained = fast.clone();
        net.copyTo(trained);
        float[][] probabilities = net.predict(train.pixels(), 0, 100);
        float[][] dl4j = trained.outputSingle(false, train.images().get(NDArrayIndex.interval(0, 100))).toFloatMatrix();
        for (int i = 0; i < probabilities.length; i++) {
            for (int j = 0; j < 10; j++) {
                assertEquals(dl4j[i][j], probabilities[i][j], Rounding.ofSums(3 * 3 * 128, Rounding.FP32), "inference is the identity");
            }
        }
        net.close();
    }

    /** A dropout that multiplies by a given mask: DL4J's side of a step with the engine's mask. */
    private static final class FixedMask implements org.deeplearning4j.nn.conf.dropout.IDropout {
        private final INDArray mask;

        FixedMask(INDArray mask) {
            this.mask = mask;
        }

        @Override
        public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch,
                                     org.deeplearning4j.nn.workspace.LayerWorkspaceMgr workspaces) {
            return result.assign(input.mul(mask.reshape(input.shape())));
        }

        @Override
        public INDArray backprop(INDArray gradientAtOutput, INDArray gradientAtInput, int iteration, int epoch) {
            return gradientAtInput.assign(gradientAtOutput.mul(mask.reshape(gradientAtOutput.shape())));
        }

        @Override
        public void clear() {
        }

        @Override
        public FixedMask clone() {
            return this;
        }
    }

    /**
     * The index of the first layer whose gradients can be compared with DL4J's: 0, unless a ReLU
     * after a BatchNormalization let a gradient through in one implementation and not in the other,
     * at a value within float32 rounding of 0 (batch normalisation centres its output on 0, so a few
     * of half a million values may round to the other sign). Then the layers below differ by whole
     * terms, legitimately; they are checked against formulas in double given the engine's own values
     * ({@link #assertBatchNormBackward}) and by the RMSprop step. Every flip must be such a value, and
     * the normalised outputs must agree within rounding of their sums. In a network with
     * BatchNormalization the same holds for the ReLU of a convolution (its values O(1) too) and for
     * a max pooling whose window holds two maxima within rounding of each other: the gradient goes
     * to another position in each implementation, legitimately.
     */
    private static int firstLayerAboveReluFlips(NetworkSpec spec, OneDnnNetwork net, ComputationGraph reference) {
        int comparableFrom = 0;
        java.util.Map<String, INDArray> dl4j = reference.feedForward(reference.getInputs()[0], true);
        java.util.List<String> names = reference.getConfiguration().getTopologicalOrderStr();
        for (int i = 0; i < spec.layers().size(); i++) {
            if (spec.layers().get(i) instanceof LayerSpec.Conv conv && conv.relu() && hasBatchNorm(spec)) {
                // a ReLU convolution in a normalised network: its outputs (of normalised inputs, or
                // normalised after it) are O(1), so a few land within rounding of 0 as well
                float[] engine = net.trainingValues(i, 64, true, false);
                float[] relu = dl4j.get(conv.name()).reshape(-1).toFloatVector();
                double largest = 0;
                for (float r : relu) {
                    largest = Math.max(largest, Math.abs(r));
                }
                double tolerance = Rounding.ofSums(Rounding.gradientLength(spec, i, false, 64), Rounding.FP32) * largest;
                int flips = 0;
                for (int j = 0; j < engine.length; j++) {
                    assertTrue(Math.abs(engine[j] - relu[j]) <= tolerance, conv.name() + " output differs from DL4J's at " + j
                            + " by " + Math.abs(engine[j] - relu[j]) + "; rounding allows " + tolerance);
                    flips += (engine[j] > 0) != (relu[j] > 0) ? 1 : 0;
                }
                if (flips > 0) {
                    System.out.println(conv.name() + ": " + flips + " of " + engine.length
                            + " ReLU inputs within rounding of 0 went the other way; layers below compared by formula");
                    comparableFrom = i + 1;
                }
            }
            if (spec.layers().get(i) instanceof LayerSpec.MaxPool pool && i > 0 && hasBatchNorm(spec)) {
                // of two values within rounding of each other, the two may take different maxima
                String below = names.get(names.indexOf(pool.name()) - 1);
                INDArray input = dl4j.get(below);
                float[] engine = net.trainingValues(i, 64, false, false);
                float[] values = input.reshape(-1).toFloatVector();
                double largest = 0;
                for (float r : values) {
                    largest = Math.max(largest, Math.abs(r));
                }
                double tolerance = Rounding.ofSums(Math.max(Rounding.gradientLength(spec, i - 1, false, 64),
                        roundingLength(spec, i, false)), Rounding.FP32) * largest;
                int flips = maxPoolFlips(pool, input.shape(), engine, values, tolerance);
                if (flips > 0) {
                    System.out.println(pool.name() + ": " + flips + " windows took another of two maxima within rounding; "
                            + "layers below compared by formula");
                    comparableFrom = i;
                }
            }
            if (spec.layers().get(i) instanceof LayerSpec.BatchNorm norm && norm.relu()) {
                float[] engine = net.trainingValues(i, 64, true, false);
                float[] normalised = dl4j.get(norm.name()).reshape(-1).toFloatVector();
                float[] relu = dl4j.get(names.get(names.indexOf(norm.name()) + 1)).reshape(-1).toFloatVector();
                double largest = 0;
                double diff = 0;
                for (int j = 0; j < engine.length; j++) {
                    largest = Math.max(largest, Math.abs(normalised[j]));
                    diff = Math.max(diff, Math.abs(engine[j] - relu[j]));
                }
                double tolerance = Rounding.ofSums(Rounding.gradientLength(spec, i, false, 64), Rounding.FP32) * largest;
                assertTrue(diff <= tolerance, norm.name() + " output differs from DL4J's by " + diff + "; rounding allows " + tolerance);
                int flips = 0;
                for (int j = 0; j < engine.length; j++) {
                    if ((engine[j] > 0) != (relu[j] > 0)) {
                        assertTrue(Math.abs(normalised[j]) <= tolerance, norm.name() + " ReLU differs at " + j
                                + " where DL4J's input is " + normalised[j] + ", not within rounding (" + tolerance + ") of 0");
                        flips++;
                    }
                }
                if (flips > 0) {
                    System.out.println(norm.name() + ": " + flips + " of " + engine.length
                            + " ReLU inputs within rounding of 0 went the other way; layers below compared by formula");
                    comparableFrom = i + 1;
                }
            }
        }
        return comparableFrom;
    }

    /**
     * One BatchNormalization's backprop against the formulas in double (Ioffe and Szegedy, 2015,
     * section 3), given the engine's own input x, output y, output gradient dy and gamma: with
     * {@code g = dy (y > 0)} where a ReLU is fused, {@code dbeta = sum g}, {@code dgamma = sum g xhat},
     * {@code dx = gamma / sigma (g - dbeta / n - xhat dgamma / n)}, sums over images and positions,
     * sigma from the batch's biased variance plus epsilon.
     */
    private static void assertBatchNormBackward(OneDnnNetwork net, int layer, LayerSpec.BatchNorm norm, ComputationGraph before,
                                                boolean inputMaskedByRelu) {
        float[] x = net.trainingValues(layer, 64, false, false);
        float[] y = net.trainingValues(layer, 64, true, false);
        float[] dy = net.trainingValues(layer, 64, true, true);
        float[] dx = net.trainingValues(layer, 64, false, true);
        float[] gamma = valuesOf(before.params(), before, norm.name() + "_gamma");
        int channels = gamma.length;
        int positions = x.length / 64 / channels;
        long n = 64L * positions;
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        double[] expectedDx = new double[x.length];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = 0; i < 64; i++) {
                for (int p = 0; p < positions; p++) {
                    sum += x[(i * channels + c) * positions + p];
                }
            }
            double mean = sum / n;
            double squares = 0;
            for (int i = 0; i < 64; i++) {
                for (int p = 0; p < positions; p++) {
                    double d = x[(i * channels + c) * positions + p] - mean;
                    squares += d * d;
                }
            }
            double sigma = Math.sqrt(squares / n + norm.epsilon());
            for (int i = 0; i < 64; i++) {
                for (int p = 0; p < positions; p++) {
                    int at = (i * channels + c) * positions + p;
                    double g = !norm.relu() || y[at] > 0 ? dy[at] : 0;
                    dBeta[c] += g;
                    dGamma[c] += g * (x[at] - mean) / sigma;
                }
            }
            for (int i = 0; i < 64; i++) {
                for (int p = 0; p < positions; p++) {
                    int at = (i * channels + c) * positions + p;
                    double g = !norm.relu() || y[at] > 0 ? dy[at] : 0;
                    double xHat = (x[at] - mean) / sigma;
                    expectedDx[at] = !inputMaskedByRelu || x[at] > 0 ? gamma[c] / sigma * (g - dBeta[c] / n - xHat * dGamma[c] / n) : 0;
                }
            }
        }
        assertGradientsMatch(norm.name() + "_gamma (formula)", toFloats(dGamma), net.weightGradient(layer), n);
        assertGradientsMatch(norm.name() + "_beta (formula)", toFloats(dBeta), net.biasGradient(layer), n);
        assertGradientsMatch(norm.name() + " input gradient (formula)", toFloats(expectedDx), dx, n);
    }

    /**
     * Whether the input gradient of BatchNormalization {@code layer} is masked in place by the ReLU
     * below it once backprop has gone through: that of a ReLU convolution right below, or that of
     * the convolution below the pooling below (the pooling applies it, see {@link PoolStage}).
     */
    private static boolean inputMaskedByRelu(NetworkSpec spec, int layer) {
        java.util.List<LayerSpec> l = spec.layers();
        return layer >= 1 && l.get(layer - 1) instanceof LayerSpec.Conv c && c.relu()
                || layer >= 2 && l.get(layer - 1) instanceof LayerSpec.MaxPool && l.get(layer - 2) instanceof LayerSpec.Conv c2 && c2.relu();
    }

    /**
     * The windows of max pooling {@code pool} (input NCHW {@code shape}) whose maximum sits at
     * another position in the engine's input than in DL4J's, not counting exact ties in both
     * (windows of zeros after a ReLU, whose gradient the ReLU masks); each must be a near tie: the
     * engine's value at DL4J's maximum within {@code tolerance} of its own maximum.
     */
    private static int maxPoolFlips(LayerSpec.MaxPool pool, long[] shape, float[] engine, float[] dl4j, double tolerance) {
        int k = pool.kernel();
        int h = (int) shape[2];
        int w = (int) shape[3];
        long planes = shape[0] * shape[1];
        int flips = 0;
        for (long plane = 0; plane < planes; plane++) {
            for (int y = 0; y + k <= h; y += pool.stride()) {
                for (int x = 0; x + k <= w; x += pool.stride()) {
                    int e = -1;
                    int d = -1;
                    for (int dy = 0; dy < k; dy++) {
                        for (int dx = 0; dx < k; dx++) {
                            int at = (int) ((plane * h + y + dy) * w + x + dx);
                            e = e < 0 || engine[at] > engine[e] ? at : e;
                            d = d < 0 || dl4j[at] > dl4j[d] ? at : d;
                        }
                    }
                    boolean tieInBoth = engine[e] == engine[d] && dl4j[e] == dl4j[d];
                    if (e != d && !tieInBoth) {
                        assertTrue(engine[e] - engine[d] <= tolerance, pool.name() + " window at " + d + ": the engine's maximum "
                                + engine[e] + " exceeds its value at DL4J's maximum, " + engine[d] + ", by more than rounding ("
                                + tolerance + ")");
                        flips++;
                    }
                }
            }
        }
        return flips;
    }

    private static boolean hasBatchNorm(NetworkSpec spec) {
        return spec.layers().stream().anyMatch(l -> l instanceof LayerSpec.BatchNorm);
    }

    /**
     * How many terms the rounding of layer {@code i}'s gradient comes from: its own sums
     * ({@link Rounding#gradientLength}), or those of a BatchNormalization below it if longer: the
     * normalised values, and so every layer's input above them, carry the rounding of the batch
     * statistics' sums over images and positions.
     */
    private static long roundingLength(NetworkSpec spec, int i, boolean bias) {
        long length = Rounding.gradientLength(spec, i, bias, 64);
        for (int j = 0; j < i; j++) {
            if (spec.layers().get(j) instanceof LayerSpec.BatchNorm) {
                length = Math.max(length, Rounding.gradientLength(spec, j, false, 64));
            }
        }
        return length;
    }

    /**
     * A convolution's bias right before a BatchNormalization: its exact gradient, the sum of the
     * normalisation's input gradient dz over images and positions, is 0, and the engine keeps it
     * at 0; DL4J's is the rounding of that sum, at most {@link Rounding#ofSums} of the sum of |dz|.
     */
    private static void assertBiasBeforeNormIsZero(OneDnnNetwork net, int layer, float[] engine, float[] dl4j) {
        assertTrue(java.util.Arrays.equals(engine, new float[engine.length]), "the engine's bias gradient before a "
                + "BatchNormalization is exactly 0: " + java.util.Arrays.toString(engine));
        float[] dz = net.trainingValues(layer + 1, 64, false, true);
        int channels = engine.length;
        int positions = dz.length / 64 / channels;
        for (int c = 0; c < channels; c++) {
            double magnitude = 0;
            for (int i = 0; i < 64; i++) {
                for (int p = 0; p < positions; p++) {
                    magnitude += Math.abs(dz[(i * channels + c) * positions + p]);
                }
            }
            double tolerance = Rounding.ofSums(64L * positions, Rounding.FP32) * magnitude;
            assertTrue(Math.abs(engine[c]) <= tolerance, "bias gradient before a BatchNormalization, channel " + c + ": "
                    + engine[c] + " is not 0 within rounding (" + tolerance + ")");
            if (dl4j != null) {
                assertTrue(Math.abs(dl4j[c]) <= tolerance, "DL4J's bias gradient before a BatchNormalization, channel " + c
                        + ": " + dl4j[c] + " is not 0 within rounding (" + tolerance + ")");
            }
        }
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** The parameters oneDNN's {@link Parameters} keep as weights and bias: gamma and beta for a BatchNormalization. */
    private static String[] parameterKeys(LayerSpec layer) {
        return layer instanceof LayerSpec.BatchNorm ? new String[] {"gamma", "beta"} : new String[] {"W", "b"};
    }

    /**
     * After one step, each BatchNormalization's moving mean and variance equal what DL4J's {@code fit}
     * leaves from the same weights and batch: {@code momentum * moving + (1 - momentum) * batch}, the
     * batch's statistics being sums over every image and position, so equal up to their rounding.
     */
    private static void assertMovingStatisticsMatch(NetworkSpec spec, ComputationGraph start, ComputationGraph reference,
                                                    ComputationGraph engineAfter, int[] rows) {
        if (spec.layers().stream().noneMatch(l -> l instanceof LayerSpec.BatchNorm)) {
            return;
        }
        ComputationGraph fitted = reference.clone();
        INDArray flat = train.images().reshape(train.size(), 784);
        fitted.fit(new org.nd4j.linalg.dataset.DataSet(org.nd4j.linalg.factory.Nd4j.pullRows(flat, 1, rows).reshape(rows.length, 1, 28, 28),
                org.nd4j.linalg.factory.Nd4j.pullRows(train.labels(), 1, rows)));
        for (int i = 0; i < spec.layers().size(); i++) {
            if (spec.layers().get(i) instanceof LayerSpec.BatchNorm norm) {
                for (String statistic : new String[] {"mean", "var"}) {
                    String key = norm.name() + "_" + statistic;
                    float[] before = valuesOf(start.params(), start, key);
                    float[] dl4j = valuesOf(fitted.params(), fitted, key);
                    float[] engine = valuesOf(engineAfter.params(), engineAfter, key);
                    double largest = 0;
                    double diff = 0;
                    for (int c = 0; c < dl4j.length; c++) {
                        largest = Math.max(largest, Math.abs(dl4j[c]));
                        diff = Math.max(diff, Math.abs(dl4j[c] - engine[c]));
                    }
                    assertTrue(!java.util.Arrays.equals(before, engine), key + " was updated");
                    double tolerance = Rounding.ofSums(Rounding.gradientLength(spec, i, false, rows.length), Rounding.FP32);
                    assertTrue(diff <= tolerance * largest, key + " after one step differs from DL4J's by " + diff / largest
                            + " of its largest element; float32 rounding allows " + tolerance);
                }
            }
        }
    }

    private static void assertGradientsMatch(String layer, float[] expected, float[] actual, long reductionLength) {
        Rounding.assertWithinLargest(layer + " gradient against DL4J's (float32)", expected, actual,
                Rounding.ofSums(reductionLength, Rounding.FP32));
    }

    private static void assertRmsPropStep(String layer, RmsProp rms, ComputationGraph before, ComputationGraph after,
                                          float[] gradient) {
        float[] w0 = valuesOf(before.params(), before, layer);
        float[] w1 = valuesOf(after.params(), after, layer);
        float[] c0 = stateOf(before, layer);
        float[] c1 = stateOf(after, layer);
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
     * A parameter ({@code conv2d_W}, {@code batch_normalization_gamma}) in a vector laid out like the
     * graph's flattened parameters (the parameters or their gradient), in that flat order: DL4J's
     * plain layout.
     */
    private static float[] valuesOf(INDArray flat, ComputationGraph graph, String key) {
        INDArray weights = graph.getParam(key);
        long offset = weights.offset() - graph.params().offset();
        return flat.reshape(-1).get(NDArrayIndex.interval(offset, offset + weights.length())).toFloatVector();
    }

    /** A parameter's RMSprop cache: the updater state has none for BatchNormalization's moving statistics. */
    private static float[] stateOf(ComputationGraph graph, String key) {
        INDArray weights = graph.getParam(key);
        long offset = OneDnnNetwork.stateOffset(graph, weights.offset() - graph.params().offset());
        return graph.getUpdater(true).getStateViewArray().reshape(-1)
                .get(NDArrayIndex.interval(offset, offset + weights.length())).toFloatVector();
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
