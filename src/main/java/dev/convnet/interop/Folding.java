package dev.convnet.interop;

/**
 * Folds what Keras computes around a Conv2D or Dense layer into that layer's kernel and bias, so
 * that convnet's plain layer computes the same at inference. Kernels are in Keras' layout, the
 * output channel last ({@code [kh, kw, in, out]} or {@code [inputs, units]}), row-major. The
 * arithmetic is done in double and rounded once to float.
 */
final class Folding {
    private Folding() {
    }

    /**
     * BatchNormalization after the layer (Ioffe and Szegedy, 2015, section 3.1, at inference):
     * {@code gamma (z - mean) / sqrt(variance + epsilon) + beta} with {@code z = W x + b} becomes
     * {@code W' = W a}, {@code b' = (b - mean) a + beta}, {@code a = gamma / sqrt(variance + epsilon)}.
     *
     * @return the folded weights; InteropException naming {@code where} if a result is not finite
     */
    static KerasModel.LayerWeights batchNorm(String where, KerasModel.LayerWeights layer, float[] gamma, float[] beta,
                                             float[] mean, float[] variance, double epsilon) {
        float[] kernel = layer.kernel();
        float[] bias = layer.bias();
        int units = bias.length;
        double[] a = new double[units];
        float[] b = new float[units];
        for (int o = 0; o < units; o++) {
            a[o] = gamma[o] / Math.sqrt((double) variance[o] + epsilon);
            b[o] = (float) (((double) bias[o] - mean[o]) * a[o] + beta[o]);
        }
        float[] k = new float[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            k[i] = (float) (kernel[i] * a[i % units]);
        }
        return finite(where, layer.kerasName(), k, b);
    }

    /**
     * Rescaling before the layer: the layer sees {@code scale x + offset} where convnet feeds
     * {@code x}; {@code W (s x + o) + b = (s W) x + (b + o sum(W))}, the sum over all of an output's
     * inputs. Exact for Dense and valid-padded convolutions (a same-padded border would be {@code o}).
     */
    static KerasModel.LayerWeights inputScaling(String where, KerasModel.LayerWeights layer, double scale, double offset) {
        float[] kernel = layer.kernel();
        float[] bias = layer.bias();
        int units = bias.length;
        double[] sums = new double[units];
        float[] k = new float[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            sums[i % units] += kernel[i];
            k[i] = (float) (kernel[i] * scale);
        }
        float[] b = new float[units];
        for (int o = 0; o < units; o++) {
            b[o] = (float) (bias[o] + offset * sums[o]);
        }
        return finite(where, layer.kerasName(), k, b);
    }

    private static KerasModel.LayerWeights finite(String where, String name, float[] kernel, float[] bias) {
        for (float[] values : new float[][] {kernel, bias}) {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new InteropException(where + " gives weights that are not finite numbers "
                            + "(a moving variance of 0 with epsilon 0, or values beyond float32)");
                }
            }
        }
        return new KerasModel.LayerWeights(name, kernel, bias);
    }
}
