package dev.convnet.engine;

import java.util.Locale;

/**
 * One oneDNN primitive of a plan and the implementation oneDNN chose for it, as
 * {@code primitive_desc::impl_info_str()} and {@code DNNL_VERBOSE} name it (for example
 * {@code jit_wino_4x3:avx512_core} or {@code brg:avx512_core_bf16}).
 *
 * @param layer the layer's name in the graph, e.g. {@code conv2}
 * @param primitive oneDNN's primitive kind and pass, e.g. {@code convolution backward_data}
 * @param implementation oneDNN's implementation name
 */
public record Kernel(String layer, String primitive, String implementation) {

    /**
     * Whether oneDNN fell back to its reference code: plain C++ loops, correct but 10-1000x slower
     * than a JIT kernel (a 453 ms convolution backward_data where the JIT one takes under 2 ms).
     */
    public boolean isReference() {
        return isReference(implementation);
    }

    /** {@link #isReference()} for an implementation name alone. */
    static boolean isReference(String implementation) {
        return implementation.toLowerCase(Locale.ROOT).startsWith("ref");
    }

    /**
     * Whether this is oneDNN 2.7.1's AMX weight-gradient convolution ({@code brgconv_bwd_w}), whose
     * primitive descriptor reads past an array's end when it is made (see {@code ConvStage}): the
     * engine must never be offered it, let alone choose it.
     */
    public boolean isUnsafe() {
        return implementation.startsWith("brgconv_bwd_w");
    }

    @Override
    public String toString() {
        return layer + " " + primitive + ": " + implementation;
    }
}
