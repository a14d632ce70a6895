package dev.convnet.engine;

/**
 * Tolerances for comparing two implementations of the same arithmetic, derived from the number
 * format's rounding and the length of the sums compared, never tuned on one CPU: oneDNN picks
 * other kernels, and so other summation orders, on AMD Zen and on Intel AVX-512 or AMX.
 */
public final class Rounding {
    /** float32's unit roundoff, 2^-24 (24 significant bits). */
    public static final double FP32 = 0x1p-24;
    /** bfloat16's unit roundoff, 2^-8 (8 significant bits). */
    public static final double BF16 = 0x1p-8;

    private Rounding() {
    }

    /**
     * The largest difference, relative to the largest magnitude of the result, between two sums of
     * {@code n} products computed in different orders with unit roundoff {@code u}: about √n
     * roundings of the largest partial sums (Higham, <i>Accuracy and Stability of Numerical
     * Algorithms</i>, 2nd ed., §2.8 and §4.2, for rounding errors of random sign), with a factor 64
     * of headroom for partial sums larger than the result and for the layers above, whose
     * gradients rounded too.
     */
    public static double ofSums(long n, double u) {
        return 64 * u * Math.sqrt(n);
    }

    /**
     * The largest difference between two float32 evaluations of a test set's mean cross-entropy
     * that ran the same network in different summation orders: each image's loss is the logarithm
     * of a probability that moved by {@link #ofSums} of its logits' sums of {@code n} products,
     * relative to the loss itself.
     */
    public static double ofMeanLoss(long n, double loss) {
        return ofSums(n, FP32) * Math.max(1, Math.abs(loss));
    }

    /**
     * How many products one weight-gradient element of layer {@code layer} sums over a batch of
     * {@code batch}: every output position of every image for a convolution, every image for a
     * dense layer.
     */
    static long weightGradientLength(NetworkSpec spec, int layer, int batch) {
        return gradientLength(spec, layer, false, batch);
    }

    /**
     * How many terms one gradient element of layer {@code layer} (its weights', or its bias'
     * when {@code bias}) sums over a batch of {@code batch}: every output position of every image
     * for a convolution and a BatchNormalization (whose gamma and beta, and batch mean and
     * variance, are sums over images and positions), every image for a dense layer.
     */
    static long gradientLength(NetworkSpec spec, int layer, boolean bias, int batch) {
        int size = spec.height();
        for (int i = 0; i <= layer; i++) {
            LayerSpec l = spec.layers().get(i);
            if (l instanceof LayerSpec.Conv c) {
                size = c.same() ? (size + c.stride() - 1) / c.stride() : (size - c.kernel()) / c.stride() + 1;
            } else if (l instanceof LayerSpec.MaxPool p && i < layer) {
                size = (size - p.kernel()) / p.stride() + 1;
            }
        }
        LayerSpec l = spec.layers().get(layer);
        return l instanceof LayerSpec.Conv || l instanceof LayerSpec.BatchNorm ? (long) batch * size * size : batch;
    }

    /**
     * Asserts that {@code actual} is {@code expected} within {@code relative} of {@code expected}'s
     * largest magnitude, element by element (the yardstick of every tolerance here), and that
     * {@code expected} is not all zeros (a comparison of nothing would pass).
     *
     * @param what the compared quantity, for the failure message (e.g. {@code conv2d_2_W})
     */
    public static void assertWithinLargest(String what, float[] expected, float[] actual, double relative) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": length");
        double largest = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        org.junit.jupiter.api.Assertions.assertTrue(largest > 0, what + " has a value that is not zero");
        double found = diff / largest;
        org.junit.jupiter.api.Assertions.assertTrue(diff <= relative * largest,
                () -> what + " differs by " + found + " of its largest element; rounding allows " + relative);
    }
}
