package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.platform.NativeRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's fast paths against its direct float32 path, which {@link OneDnnNetworkTest} holds
 * to DL4J's own training: Winograd convolutions (the default) and bf16 (opt-in). They round
 * differently, so they are held to the direct path's losses within a tolerance, step by step.
 */
class FastPathTest {
    private static LabeledImages train;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        train = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 1_000);
    }

    @Test
    void winogradGradientsAreTheDirectOnesUpToFloat32Rounding() {
        assertGradientsClose(Precision.FP32, true);
    }

    /**
     * bf16 keeps 8 significant bits: activations and their gradients are rounded at every layer,
     * and a weight gradient sums thousands of such products with cancellations, so the largest
     * differences are a few percent of the largest gradient (5-6 % when written).
     */
    @Test
    void bf16GradientsAreTheFloat32OnesUpToBf16Rounding() {
        assertGradientsClose(Precision.BF16, true);
    }

    /**
     * bf16 weight gradients of small maps are matrix products over an im2col matrix
     * ({@link GemmWeightGradient}) instead of oneDNN's convolution kernel. Both multiply the same
     * bf16 values exactly and sum in float32, so from the same weights and batch every gradient
     * must agree within float32 rounding of sums in another order: for the book network (conv3:
     * 5x5 → 3x3, no padding) and a padded one whose last convolution maps 3x3 → 3x3 (the im2col
     * rows of border pixels read the zero padding).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"book", "8,16,32,64 3 1 same"})
    void bf16MatrixProductGradientsAreOneDnnKernelsOnesUpToFloat32Rounding(String variant) {
        Architecture arch = variant.equals("book") ? Architecture.BOOK : new Architecture(dev.convnet.model.ModelType.CONVNET,
                java.util.Arrays.stream(variant.split(" ")[0].split(",")).map(Integer::valueOf).toList(), 3, 1,
                dev.convnet.model.Padding.fromId("same"));
        String lastConv = variant.equals("book") ? "conv2d_2" : "conv2d_3";
        NetworkSpec spec = ((NetworkSpec.Supported) NetworkSpec.of(ConvNetModel.create(arch, new Hyperparameters(0.001, 42)), 1, 28, 28)).spec();
        for (int batch : new int[] {64, 37, 1}) { // a full batch, an epoch's last partial one, one image: each its own plan
            OneDnnNetwork kernels = network(arch, Precision.BF16, false);
            OneDnnNetwork products = network(arch, Precision.BF16, true);
            assertEquals(Precision.BF16, kernels.precision());
            assertEquals(Precision.BF16, products.precision());
            assertTrue(takesProducts(products, batch, lastConv), "the last convolution's weight gradient is a matmul at batch " + batch);
            assertFalse(takesProducts(kernels, batch, lastConv), "without fast paths it is oneDNN's convolution kernel");
            int[] rows = java.util.stream.IntStream.range(0, batch).toArray();
            kernels.trainStep(train.pixels(), train.classes(), rows, 0, batch);
            products.trainStep(train.pixels(), train.classes(), rows, 0, batch);
            int convolutions = 0;
            for (int layer = 0; layer < spec.layers().size(); layer++) {
                if (spec.layers().get(layer) instanceof LayerSpec.Conv) {
                    convolutions++;
                    String at = "batch " + batch + ", layer " + layer;
                    Rounding.assertWithinLargest(at + " weights", kernels.weightGradient(layer), products.weightGradient(layer),
                            Rounding.ofSums(Rounding.gradientLength(spec, layer, false, batch), Rounding.FP32));
                    Rounding.assertWithinLargest(at + " bias", kernels.biasGradient(layer), products.biasGradient(layer),
                            Rounding.ofSums(Rounding.gradientLength(spec, layer, true, batch), Rounding.FP32));
                }
            }
            assertEquals(variant.equals("book") ? 3 : 4, convolutions);
            kernels.close();
            products.close();
        }
    }

    private static boolean takesProducts(OneDnnNetwork net, int batch, String layer) {
        return net.kernels(batch, true).stream().anyMatch(k -> k.layer().equals(layer) && k.primitive().equals("matmul backward_weights"));
    }

    /**
     * Two epochs on 4,000 images (124 steps): bf16 learns as float32 does. The two runs part after
     * their first steps (see {@link #assertGradientsClose}), so their accuracies differ as two seeds
     * of one network do, not by rounding. On 1,000 images they were still on the steep part of the
     * learning curve (Zen 5, seed 42: float32 0.798, bf16 0.758). On 4,000, seeds 42, 7 and 1 gave
     * float32 0.927, 0.919, 0.930 and bf16 0.926, 0.917, 0.930 on Zen 5: a standard deviation
     * across seeds of about 0.006 in each precision, so the difference of two such runs has about
     * sqrt(2) * 0.006 = 0.009, and the allowance, 0.03, is over three of those. (Both are scored on
     * the same 1,000 test images, so their sampling error mostly cancels in the difference.) The
     * floor, 0.89, is the lowest of the six less three deviations.
     */
    @Test
    void bf16TrainsASmallSubsetAsWellAsFloat32() {
        LabeledImages subset = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 4_000);
        LabeledImages test = new MnistLoader(TestData.mnist()).load(Split.TEST, 1_000);
        double fp32 = accuracyAfterTraining(Precision.FP32, subset, test);
        double bf16 = accuracyAfterTraining(Precision.BF16, subset, test);
        assertTrue(bf16 >= 0.89, "bf16 accuracy " + bf16);
        assertEquals(fp32, bf16, 0.03, "bf16 against float32 accuracy");
    }

    private static double accuracyAfterTraining(Precision precision, LabeledImages subset, LabeledImages test) {
        OneDnnNetwork net = network(precision, true);
        int[] rows = java.util.stream.IntStream.range(0, subset.size()).toArray();
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int from = 0; from + 64 <= rows.length; from += 64) {
                net.trainStep(subset.pixels(), subset.classes(), rows, from, from + 64);
            }
        }
        float[][] probabilities = net.predict(test.pixels(), 0, test.size());
        net.close();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            correct += Metrics.argmax(probabilities[i]) == test.classes()[i] ? 1 : 0;
        }
        return correct / (double) test.size();
    }

    /**
     * One step from the same weights on the same batch: every layer's weight gradient must agree
     * with the direct float32 path's within rounding of its largest element. (Whole training runs
     * are not compared step by step: RMSprop's first steps move a weight by about lr·√10 whatever
     * its gradient's size, so a near-zero gradient that rounds to the other sign sends the runs
     * apart without either being wrong.)
     *
     * <p>Tolerances, from the number formats: float32 Winograd sums as many products as the direct
     * convolution, in another order, after transforms that multiply rounding errors by about an
     * order of magnitude for F(4×4, 3×3) (Barabasz et al., "Error analysis and improving the
     * accuracy of Winograd convolution for deep neural networks", ACM TOMS 46(4), 2020): 16 times
     * {@link Rounding#ofSums}. bf16 rounds both factors of every product to 8 bits, in each of the
     * six layers the gradient passes back through, and the sums cancel: 40 bf16 roundings.
     */
    private static void assertGradientsClose(Precision precision, boolean fastPaths) {
        OneDnnNetwork reference = network(Precision.FP32, false);
        OneDnnNetwork fast = network(precision, fastPaths);
        NetworkSpec spec = ((NetworkSpec.Supported) NetworkSpec.of(
                ConvNetModel.create(Architecture.BOOK, new Hyperparameters(0.001, 42)), 1, 28, 28)).spec();
        int[] rows = java.util.stream.IntStream.range(0, 64).toArray();
        double referenceLoss = reference.trainStep(train.pixels(), train.classes(), rows, 0, 64).lossSum() / 64;
        double fastLoss = fast.trainStep(train.pixels(), train.classes(), rows, 0, 64).lossSum() / 64;
        double lossTolerance = precision == Precision.BF16 ? 4 * Rounding.BF16 : 64 * 8 * Rounding.FP32;
        assertEquals(referenceLoss, fastLoss, lossTolerance * Math.max(1, Math.abs(referenceLoss)), "loss of the first batch");
        for (int layer : new int[] {0, 2, 4, 5}) { // the convolutions and the dense layer of listing 8-1
            double tolerance = precision == Precision.BF16
                    ? 40 * Rounding.BF16
                    : 16 * Rounding.ofSums(Rounding.weightGradientLength(spec, layer, 64), Rounding.FP32);
            Rounding.assertWithinLargest("layer " + layer + " gradient", reference.weightGradient(layer), fast.weightGradient(layer), tolerance);
        }
        reference.close();
        fast.close();
    }

    private static OneDnnNetwork network(Precision precision, boolean fastPaths) {
        return network(Architecture.BOOK, precision, fastPaths);
    }

    private static OneDnnNetwork network(Architecture arch, Precision precision, boolean fastPaths) {
        return OneDnnNetwork.of(ConvNetModel.create(arch, new Hyperparameters(0.001, 42)), 1, 28, 28, 64,
                precision, fastPaths).orElseThrow();
    }
}
