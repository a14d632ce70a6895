package dev.convnet.interop;

/**
 * The two layout changes between convnet (DL4J, NCHW) and Keras (NHWC), in one place, both ways.
 *
 * <ul>
 * <li>Convolution kernels: DL4J {@code [out, in, kh, kw]}, Keras {@code [kh, kw, in, out]}.
 * <li>The Dense layer after Flatten: DL4J flattens a map as (channel, row, column), Keras as (row,
 *     column, channel), so the kernel's rows come in another order. Without this Keras scores 0.17.
 * </ul>
 * Dense kernels are {@code [inputs, units]} in both; biases are the same.
 */
final class Layouts {
    private Layouts() {
    }

    /** Keras {@code [kh, kw, in, out]} (row-major) to DL4J {@code [out, in, kh, kw]}. */
    static float[] kerasConvToDl4j(float[] keras, int kernel, int in, int out) {
        return convKernel(keras, kernel, in, out, true);
    }

    /** DL4J {@code [out, in, kh, kw]} to Keras {@code [kh, kw, in, out]}. */
    static float[] dl4jConvToKeras(float[] dl4j, int kernel, int in, int out) {
        return convKernel(dl4j, kernel, in, out, false);
    }

    /** Rows of a Dense kernel after Flatten: Keras (h, w, c) order to DL4J (c, h, w). */
    static float[] kerasDenseRowsToDl4j(float[] keras, int channels, int side, int units) {
        return denseRows(keras, channels, side, units, true);
    }

    /** Rows of a Dense kernel after Flatten: DL4J (c, h, w) order to Keras (h, w, c). */
    static float[] dl4jDenseRowsToKeras(float[] dl4j, int channels, int side, int units) {
        return denseRows(dl4j, channels, side, units, false);
    }

    private static float[] convKernel(float[] from, int kernel, int in, int out, boolean toDl4j) {
        float[] to = new float[from.length];
        for (int y = 0; y < kernel; y++) {
            for (int x = 0; x < kernel; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        int keras = ((y * kernel + x) * in + i) * out + o;
                        int dl4j = ((o * in + i) * kernel + y) * kernel + x;
                        to[toDl4j ? dl4j : keras] = from[toDl4j ? keras : dl4j];
                    }
                }
            }
        }
        return to;
    }

    private static float[] denseRows(float[] from, int channels, int side, int units, boolean toDl4j) {
        float[] to = new float[from.length];
        for (int c = 0; c < channels; c++) {
            for (int h = 0; h < side; h++) {
                for (int w = 0; w < side; w++) {
                    int keras = (h * side + w) * channels + c;
                    int dl4j = (c * side + h) * side + w;
                    System.arraycopy(from, (toDl4j ? keras : dl4j) * units, to, (toDl4j ? dl4j : keras) * units, units);
                }
            }
        }
        return to;
    }
}
