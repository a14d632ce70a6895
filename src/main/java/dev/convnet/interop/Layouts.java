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
        float[] dl4j = new float[keras.length];
        for (int y = 0; y < kernel; y++) {
            for (int x = 0; x < kernel; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        dl4j[((o * in + i) * kernel + y) * kernel + x] = keras[((y * kernel + x) * in + i) * out + o];
                    }
                }
            }
        }
        return dl4j;
    }

    /** DL4J {@code [out, in, kh, kw]} to Keras {@code [kh, kw, in, out]}. */
    static float[] dl4jConvToKeras(float[] dl4j, int kernel, int in, int out) {
        float[] keras = new float[dl4j.length];
        for (int y = 0; y < kernel; y++) {
            for (int x = 0; x < kernel; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        keras[((y * kernel + x) * in + i) * out + o] = dl4j[((o * in + i) * kernel + y) * kernel + x];
                    }
                }
            }
        }
        return keras;
    }

    /** Rows of a Dense kernel after Flatten: Keras (h, w, c) order to DL4J (c, h, w). */
    static float[] kerasDenseRowsToDl4j(float[] keras, int channels, int side, int units) {
        float[] dl4j = new float[keras.length];
        for (int c = 0; c < channels; c++) {
            for (int h = 0; h < side; h++) {
                for (int w = 0; w < side; w++) {
                    int from = (h * side + w) * channels + c;
                    int to = (c * side + h) * side + w;
                    System.arraycopy(keras, from * units, dl4j, to * units, units);
                }
            }
        }
        return dl4j;
    }

    /** Rows of a Dense kernel after Flatten: DL4J (c, h, w) order to Keras (h, w, c). */
    static float[] dl4jDenseRowsToKeras(float[] dl4j, int channels, int side, int units) {
        float[] keras = new float[dl4j.length];
        for (int c = 0; c < channels; c++) {
            for (int h = 0; h < side; h++) {
                for (int w = 0; w < side; w++) {
                    int to = (h * side + w) * channels + c;
                    int from = (c * side + h) * side + w;
                    System.arraycopy(dl4j, from * units, keras, to * units, units);
                }
            }
        }
        return keras;
    }
}
