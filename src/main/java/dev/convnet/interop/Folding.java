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
    static KerasModel.LayerWeights batchNorm(String where, KerasModel.LayerWeights layer, Affine norm) {
        float[] kernel = layer.kernel();
        float[] bias = layer.bias();
        int units = bias.length;
        double[] a = norm.scale();
        float[] b = new float[units];
        for (int o = 0; o < units; o++) {
            b[o] = (float) (bias[o] * a[o] + norm.shift()[o]); // (b - mean) a + beta
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

    /**
     * A per-channel affine map {@code a x + c} on the layer's input ({@code channels} values
     * repeating along the kernel's input rows, as Keras lays out a map's channels and flattens
     * (h, w, c)): {@code W' = W a}, {@code b' = b + sum(W c)}. Exact for Dense and valid-padded
     * convolutions; a same-padded border would be {@code c}, so callers check {@code c == 0} there.
     */
    static KerasModel.LayerWeights inputAffine(String where, KerasModel.LayerWeights layer, Affine affine) {
        double[] a = affine.scale();
        double[] c = affine.shift();
        float[] kernel = layer.kernel();
        float[] bias = layer.bias();
        int units = bias.length;
        int channels = a.length;
        double[] shift = new double[units];
        float[] k = new float[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            int channel = (i / units) % channels;
            k[i] = (float) (kernel[i] * a[channel]);
            shift[i % units] += kernel[i] * c[channel];
        }
        float[] b = new float[units];
        for (int o = 0; o < units; o++) {
            b[o] = (float) (bias[o] + shift[o]);
        }
        return finite(where, layer.kerasName(), k, b);
    }

    /** A per-channel affine map {@code scale x + shift}. */
    record Affine(double[] scale, double[] shift) {
        /** BatchNormalization at inference: {@code scale = gamma / sqrt(variance + epsilon)}, {@code shift = beta - mean scale}. */
        static Affine batchNorm(float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon) {
            double[] a = new double[gamma.length];
            double[] c = new double[gamma.length];
            for (int i = 0; i < gamma.length; i++) {
                a[i] = gamma[i] / Math.sqrt((double) variance[i] + epsilon);
                c[i] = beta[i] - mean[i] * a[i];
            }
            return new Affine(a, c);
        }
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
