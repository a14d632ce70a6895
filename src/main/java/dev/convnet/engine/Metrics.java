package dev.convnet.engine;

/**
 * The one place for argmax and the cross-entropy of one prediction, shared by training,
 * evaluation, prediction and activations so that every figure a user sees is computed alike.
 */
public final class Metrics {
    /**
     * Probabilities are clipped here before the logarithm, as Keras does ({@code epsilon()} = 1e-7),
     * so our losses are comparable with the book's; one confident mistake costs at most -ln(1e-7) = 16.1.
     */
    public static final double EPSILON = 1e-7;

    private Metrics() {
    }

    /** Index of the largest value; the first one on ties, as numpy's argmax. */
    public static int argmax(float[] values) {
        return argmax(values, 0, values.length);
    }

    /** Index (relative to {@code from}) of the largest of {@code values[from..from+count)}. */
    public static int argmax(float[] values, int from, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values[from + i] > values[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** Cross-entropy of one prediction, given the probability it gave the true class. */
    public static double crossEntropy(double probabilityOfTrueClass) {
        return -Math.log(Math.max(probabilityOfTrueClass, EPSILON));
    }
}
