package dev.convnet.model;

/**
 * The one place for the side length a convolution or a pooling makes of its input, and for the
 * padding {@code same} needs: {@link Architecture} checks shapes with it, the oneDNN engine sizes
 * its buffers with it, and both agree with DL4J's and Keras' rules.
 */
public final class OutputSize {
    private OutputSize() {
    }

    /**
     * Output side of a convolution over a side-{@code in} input: {@code ceil(in / stride)} with
     * {@code same} padding, else {@code floor((in - kernel) / stride) + 1}, and 0 where the kernel
     * does not fit.
     */
    public static long convolution(long in, int kernel, int stride, boolean same) {
        if (same) {
            return (in + stride - 1) / stride;
        }
        return in < kernel ? 0 : (in - kernel) / stride + 1;
    }

    /** Rows (or columns) of zeros {@code same} padding adds in all, before and after together. */
    public static long samePaddingTotal(long in, int kernel, int stride) {
        return Math.max((convolution(in, kernel, stride, true) - 1) * stride + kernel - in, 0);
    }

    /** Output side of an unpadded pooling window: 0 where the window does not fit. */
    public static long pooling(long in, int kernel, int stride) {
        return in < kernel ? 0 : (in - kernel) / stride + 1;
    }
}
