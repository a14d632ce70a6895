package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.nio.ShortBuffer;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.ShortPointer;

/**
 * A bf16 convolution's weight and bias gradients as two matrix products (im2col, as Caffe's
 * {@code BaseConvolutionLayer::weight_cpu_gemm} does) instead of oneDNN's
 * {@code convolution_backward_weights}, for maps of a few output pixels.
 *
 * <p>Why: on an AMX CPU oneDNN 2.7's weight-gradient kernels handle small maps badly. For conv3 of
 * listing 8-1 (64 images, 64 → 128 channels, 5x5 → 3x3) the best of its implementations
 * ({@code brgconv_bwd_w:avx512_core_amx_bf16}) took 0.62 ms on 2 threads, 0.9 ms inside a training
 * step, while the same 85 MFLOP as one AMX matrix product take 0.07 ms, and gathering the 9 shifted
 * input windows into the im2col matrix 0.03 ms (measured on a Xeon family 6 model 207 with AMX).
 * For conv2's 11x11 map that AMX kernel was as fast as product plus gathering, so without AMX only
 * small maps take this path ({@link #suits}); with AMX every stride-1 convolution does, because the
 * engine keeps oneDNN 2.7.1 off its AMX weight-gradient kernels (a read past an array's end that
 * can crash the JVM, see {@link ConvStage}) and its AVX512_BF16 kernel is slower than AMX products.
 * Without AMX (the same CPU with DNNL_MAX_CPU_ISA capped at AVX512_CORE_BF16, as on AMD Zen 4/5)
 * it pays for conv3 too: 0.86 ms for oneDNN's kernel against 0.53 + 0.04.
 *
 * <p>With M = N·OH·OW output positions, K = KH·KW·IC: the im2col matrix is [M, K], row (n, oh, ow),
 * column (kh, kw, ic), gathered by one strided reorder per kernel position; the weight gradient is
 * diff_dstᵀ [OC, M] × im2col [M, K] = [OC, K], which is the OHWI layout of the weights; the bias
 * gradient is ones [1, M] × diff_dst [M, OC]. Both products accumulate in float32 (bf16 inputs,
 * float32 output), as oneDNN's bf16 convolution does. Stride 1 only; zero padding is the part of
 * the im2col matrix no reorder writes (zero from allocation, never overwritten).
 */
final class GemmWeightGradient {
    /** The largest output map (OH·OW) that takes this path without AMX: measured at 3x3 (faster) and 11x11 (not). */
    private static final long MAX_OUTPUT_PIXELS = 16;

    private GemmWeightGradient() {
    }

    /**
     * Whether this bf16 convolution's weight gradient is computed here rather than by oneDNN's
     * kernel: stride 1, and a small map or an AMX CPU.
     */
    static boolean suits(StageContext ctx, LayerSpec.Conv conv, ActivationShape out) {
        return ctx.training() && conv.stride() == 1
                && (out.height() * out.width() <= MAX_OUTPUT_PIXELS || Dnnl.hasAmx());
    }

    /**
     * Adds to {@code steps} the gathering, the two products and the reorder of the weight gradient
     * into the master weights' layout.
     *
     * @param src the convolution's input, bf16, NCHW dims in any layout (reordered to NHWC if need be)
     * @param dstDiff the gradient at the convolution's output (after the ReLU's), bf16, any layout
     * @param withBias whether to compute the bias gradient (a convolution before a BatchNormalization has none)
     */
    static void build(StageContext ctx, LayerSpec.Conv conv, ActivationShape in, ActivationShape out, memory src,
                      memory dstDiff, Parameters p, boolean withBias, Steps steps) {
        long n = ctx.batch();
        long ic = in.channels();
        long oc = out.channels();
        long k = conv.kernel();
        long m = n * out.height() * out.width();
        long cols = k * k * ic;
        memory.data_type bf16 = memory.data_type.bf16;
        memory srcNhwc = ctx.converted(src, Dnnl.desc(bf16, memory.format_tag.nhwc, n, ic, in.height(), in.width()), steps);
        memory diffNhwc = ctx.converted(dstDiff, Dnnl.desc(bf16, memory.format_tag.nhwc, n, oc, out.height(), out.width()), steps);

        // im2col [M, K] seen as an NHWC tensor of K channels, one window of IC channels per (kh, kw).
        memory.desc colsAsTensor = new memory.desc(new long[] {n, cols, out.height(), out.width()}, bf16,
                new long[] {out.height() * out.width() * cols, 1, out.width() * cols, cols});
        memory.desc colsMatrix = new memory.desc(new long[] {m, cols}, bf16, memory.format_tag.ab);
        memory im2col = ctx.allocate(colsMatrix); // owns the bytes; the reorders write through views of it
        fill(im2col, m * cols, (short) 0);
        for (long kh = 0; kh < k; kh++) {
            for (long kw = 0; kw < k; kw++) {
                gather(ctx, conv, in, out, srcNhwc, colsAsTensor, im2col, kh, kw, steps);
            }
        }
        memory.desc diffTransposed = new memory.desc(new long[] {oc, m}, bf16, new long[] {1, oc});

        // [OC, K] row-major is the OHWI layout of the weights; one reorder takes it into the master
        // weights' layout (a view holds no reference to the memory whose bytes it reads: every
        // buffer here is owned by a memory that some step's arguments hold).
        memory.desc gradientMatrix = Dnnl.desc(memory.format_tag.ab, oc, cols);
        memory gradientOwner = ctx.allocate(gradientMatrix);
        matmul.primitive_desc weightsPd = new matmul.primitive_desc(new matmul.desc(diffTransposed, colsMatrix, gradientMatrix), ctx.eng());
        steps.add("matmul backward_weights", weightsPd, new matmul(weightsPd), Dnnl.args(
                DNNL_ARG_SRC, alias(ctx, diffTransposed, diffNhwc),
                DNNL_ARG_WEIGHTS, im2col,
                DNNL_ARG_DST, gradientOwner));
        memory gradient = alias(ctx, Dnnl.desc(memory.format_tag.ohwi, oc, ic, k, k), gradientOwner);
        reorder.primitive_desc toMaster = new reorder.primitive_desc(gradient, p.weightGradient);
        steps.add("reorder", toMaster, new reorder(toMaster), Dnnl.args(DNNL_ARG_FROM, gradient, DNNL_ARG_TO, p.weightGradient));

        if (withBias) {
            memory.desc onesRow = new memory.desc(new long[] {1, m}, bf16, memory.format_tag.ab);
            memory ones = ctx.allocate(onesRow);
            fill(ones, m, (short) 0x3F80); // 1.0 in bf16: the top half of float32's 0x3F800000
            memory.desc diffMatrix = new memory.desc(new long[] {m, oc}, bf16, memory.format_tag.ab);
            memory.desc biasRow = Dnnl.desc(memory.format_tag.ab, 1, oc);
            matmul.primitive_desc biasPd = new matmul.primitive_desc(new matmul.desc(onesRow, diffMatrix, biasRow), ctx.eng());
            steps.add("matmul backward_bias", biasPd, new matmul(biasPd), Dnnl.args(DNNL_ARG_SRC, ones,
                    DNNL_ARG_WEIGHTS, alias(ctx, diffMatrix, diffNhwc), DNNL_ARG_DST, alias(ctx, biasRow, p.biasGradient)));
        }
    }

    /**
     * One kernel position's window: input pixels (oh + kh - pad, ow + kw - pad) for the output
     * pixels whose window stays inside the input, into columns (kh, kw, ·) of their rows.
     */
    private static void gather(StageContext ctx, LayerSpec.Conv conv, ActivationShape in, ActivationShape out, memory srcNhwc,
                               memory.desc colsAsTensor, memory im2col, long kh, long kw, Steps steps) {
        long padTop = conv.padBefore(in.height());
        long padLeft = conv.padBefore(in.width());
        long oh0 = Math.max(0, padTop - kh);
        long oh1 = Math.min(out.height(), in.height() + padTop - kh);
        long ow0 = Math.max(0, padLeft - kw);
        long ow1 = Math.min(out.width(), in.width() + padLeft - kw);
        if (oh1 <= oh0 || ow1 <= ow0) {
            return; // this kernel position sees only padding
        }
        long[] dims = {ctx.batch(), in.channels(), oh1 - oh0, ow1 - ow0};
        memory.desc from = srcNhwc.get_desc().submemory_desc(dims, new long[] {0, 0, oh0 + kh - padTop, ow0 + kw - padLeft});
        memory.desc to = colsAsTensor.submemory_desc(dims, new long[] {0, (kh * conv.kernel() + kw) * in.channels(), oh0, ow0});
        memory window = alias(ctx, from, srcNhwc);
        memory columns = alias(ctx, to, im2col);
        reorder.primitive_desc pd = new reorder.primitive_desc(window, columns);
        steps.add("reorder im2col", pd, new reorder(pd), Dnnl.args(DNNL_ARG_FROM, window, DNNL_ARG_TO, columns));
    }

    /** {@code buffer}'s bytes seen through another descriptor (a matrix view of a tensor, a window of it); owns nothing. */
    private static memory alias(StageContext ctx, memory.desc view, memory buffer) {
        return new memory(view, ctx.eng(), buffer.get_data_handle());
    }

    /** The first {@code count} bf16 values of {@code buffer} set to {@code bits}, once, when the plan is built. */
    private static void fill(memory buffer, long count, short bits) {
        ShortBuffer values = new ShortPointer(buffer.get_data_handle()).capacity(count).asBuffer();
        for (int i = 0; i < count; i++) {
            values.put(i, bits);
        }
    }
}
