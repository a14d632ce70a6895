package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.global.dnnl.algorithm;

/**
 * A convolution with its ReLU fused in, and its backprop: the ReLU's gradient (unless the max
 * pooling after it applies it, see {@link PoolStage}), the weight and bias gradients, and the input
 * gradient when a layer below needs it.
 *
 * <p>Float32 3x3 stride-1 convolutions with channel counts that are multiples of 16 (conv2 and
 * conv3 of the book's network) run the forward pass and the weight gradient with oneDNN's Winograd
 * F(4x4, 3x3) kernels: about half the CPU time of the direct kernels for the same result (measured
 * per primitive: conv2 2.8 → 1.35 ms forward, 3.0 → 1.46 ms weight gradient, batch 64, one core).
 * The input gradient is always direct (bench/profile.py, DNNL_VERBOSE, batch 64): for conv2's 11x11
 * Winograd's was within 2 % of it on AMD Zen 4 (2.57 against direct's 2.61 ms, one thread, oneDNN
 * 2.5), 1.27x slower on an Intel Xeon with AMX (family 6 model 167, oneDNN 2.7.1: 2.10 against
 * 1.65 ms on one thread, 1.21-1.30 against 0.90 ms on two), and 4x slower for conv3's 3x3, where a
 * 4x4 tile is mostly padding. In bf16 the
 * convolutions are direct (oneDNN has no bf16 Winograd), reading bf16 copies of the float32 master
 * weights made at every step.
 *
 * <p>An inference plan builds the forward pass alone, as {@code forward_inference}.
 */
final class ConvStage {
    private ConvStage() {
    }

    /**
     * @param srcDiff where the gradient with respect to {@code src} goes, or null when nothing needs
     *     it (the network's input, or an inference plan)
     * @param reluAppliedByNext the next layer (a max pooling) masks the gradient by the ReLU on its
     *     four times smaller output, so this stage skips its own ReLU backward (a linear convolution
     *     has none anyway)
     */
    static Stage build(StageContext ctx, LayerSpec.Conv conv, ActivationShape in, memory src, memory srcDiff,
                       ParameterSlot slot, boolean reluAppliedByNext) {
        Steps forward = new Steps(conv.name());
        Steps backward = new Steps(conv.name());
        ActivationShape out = conv.outputShape(in);
        long n = ctx.batch();
        long[] strides = {conv.stride(), conv.stride()};
        long[] padBefore = {conv.padBefore(in.height()), conv.padBefore(in.width())};
        long[] padAfter = {conv.padAfter(in.height()), conv.padAfter(in.width())};
        long[] weightDims = {conv.filters(), in.channels(), conv.kernel(), conv.kernel()};
        memory.desc biasDesc = Dnnl.desc(memory.format_tag.x, conv.filters());
        memory.desc plainWeights = Dnnl.desc(memory.format_tag.oihw, weightDims);
        // In a bf16 plan a convolution of one input channel (conv1) stays float32: no AMX kernel
        // takes one channel, and oneDNN's AVX512_BF16 one is slower than its float32 one (Xeon
        // family 6 model 207, 2 threads: forward 5.0 against 2.2-2.6 us an image, weight gradient
        // 0.37 against 0.2 ms a step of 64). Its input is the float32 picture anyway; the reorders
        // to and from the bf16 pooling after it are added where the layers meet.
        boolean bf16 = ctx.precision() == Precision.BF16 && in.channels() > 1;
        memory.data_type type = bf16 ? memory.data_type.bf16 : memory.data_type.f32;

        // Forward: oneDNN chooses every layout; the float32 master weights are reordered (and in
        // bf16 converted) into the one it chose where it differs from theirs.
        memory.desc srcAny = Dnnl.desc(type, memory.format_tag.any, n, in.channels(), in.height(), in.width());
        memory.desc weightAny = Dnnl.desc(type, memory.format_tag.any, weightDims);
        memory.desc dstAny = Dnnl.desc(type, memory.format_tag.any, n, out.channels(), out.height(), out.width());
        boolean winograd = ctx.fastPaths() && !bf16 && conv.kernel() == 3 && conv.stride() == 1
                && in.channels() % 16 == 0 && conv.filters() % 16 == 0;
        convolution_forward.primitive_desc fwd = null;
        algorithm alg = algorithm.convolution_direct;
        if (winograd) {
            fwd = forwardOrNull(ctx, conv, algorithm.convolution_winograd, srcAny, weightAny, biasDesc, dstAny,
                    strides, padBefore, padAfter);
            alg = fwd != null ? algorithm.convolution_winograd : alg;
        }
        if (fwd == null) {
            java.util.function.Supplier<convolution_forward.primitive_desc> direct = () -> new convolution_forward.primitive_desc(
                    new convolution_forward.desc(ctx.forwardKind(), algorithm.convolution_direct, srcAny, weightAny, biasDesc,
                    dstAny, strides, padBefore, padAfter), attr(conv), ctx.eng());
            fwd = in.channels() == 1 ? jitBeforeBrgconv(direct) : direct.get();
        }
        memory layerSrc = ctx.converted(src, fwd.src_desc(), forward);
        Parameters p = slot.bind(ctx.eng(), ctx.masterWeightLayout(fwd.weights_desc(), plainWeights), plainWeights, biasDesc);
        memory forwardWeights = ctx.convertedWeights(p, fwd.weights_desc(), forward);
        memory dst = ctx.allocate(fwd.dst_desc());
        forward.add(ctx.forwardName(), fwd, new convolution_forward(fwd), Dnnl.args(DNNL_ARG_SRC, layerSrc,
                DNNL_ARG_WEIGHTS, forwardWeights, DNNL_ARG_BIAS, p.bias, DNNL_ARG_DST, dst));
        if (!ctx.training()) {
            return new Stage(dst, null, forward, backward);
        }

        memory dstDiff = ctx.allocate(fwd.dst_desc());
        if (conv.relu() && !reluAppliedByNext) {
            Relu.backward(ctx, dst, dstDiff, backward);
        }
        // The weight gradient is float32 in both precisions. Before a BatchNormalization (a linear
        // convolution) the bias gradient is exactly 0: the normalisation subtracts the batch mean,
        // bias included. It is kept at 0 rather than computed as rounding noise, which RMSprop would
        // scale up to steps of about the learning rate: a random walk of the bias that the moving
        // mean, lagging 1 / (1 - momentum) steps behind, would miss at inference.
        boolean bias = conv.relu();
        if (bf16 && ctx.fastPaths() && GemmWeightGradient.suits(ctx, conv, out)) {
            GemmWeightGradient.build(ctx, conv, in, out, layerSrc, dstDiff, p, bias, backward);
        } else {
            memory.desc weightsDiffAny = Dnnl.desc(memory.format_tag.any, weightDims);
            final algorithm chosen = alg;
            final convolution_forward.primitive_desc hint = fwd;
            java.util.function.Function<memory.desc, convolution_backward_weights.primitive_desc> make = source ->
                    new convolution_backward_weights.primitive_desc(bias
                    ? new convolution_backward_weights.desc(chosen, source, weightsDiffAny, biasDesc, dstAny, strides, padBefore, padAfter)
                    : new convolution_backward_weights.desc(chosen, source, weightsDiffAny, dstAny, strides, padBefore, padAfter),
                    ctx.eng(), hint);
            convolution_backward_weights.primitive_desc bw = bf16
                    ? withoutNhwcInput(make, fwd.src_desc(), n, in) : make.apply(fwd.src_desc());
            memory weightsDiffDst = ctx.converted(dstDiff, bw.diff_dst_desc(), backward);
            memory bwSrc = ctx.converted(layerSrc, bw.src_desc(), backward);
            org.bytedeco.dnnl.IntMemoryMap args = Dnnl.args(DNNL_ARG_SRC, bwSrc, DNNL_ARG_DIFF_DST, weightsDiffDst);
            if (bias) {
                args.put(DNNL_ARG_DIFF_BIAS, p.biasGradient);
            }
            ctx.addWriting(backward, "backward_weights", bw, new convolution_backward_weights(bw), args,
                    DNNL_ARG_DIFF_WEIGHTS, p.weightGradient, bw.diff_weights_desc());
        }
        if (!bias) {
            java.nio.FloatBuffer zero = Dnnl.floats(p.biasGradient);
            for (int i = 0; i < zero.capacity(); i++) {
                zero.put(i, 0f);
            }
        }
        if (srcDiff != null) {
            // The input gradient takes the layouts its fast kernel wants (weights, diff_dst and
            // diff_src all 'any'), with reorders to and from its neighbours' where they differ.
            convolution_backward_data.primitive_desc bd = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(algorithm.convolution_direct, srcAny, weightAny, dstAny, strides,
                            padBefore, padAfter), ctx.eng(), fwd);
            memory backwardWeights = ctx.convertedWeights(p, bd.weights_desc(), backward);
            memory dataDiffDst = ctx.converted(dstDiff, bd.diff_dst_desc(), backward);
            ctx.addWriting(backward, "backward_data", bd, new convolution_backward_data(bd), Dnnl.args(DNNL_ARG_DIFF_DST, dataDiffDst,
                    DNNL_ARG_WEIGHTS, backwardWeights), DNNL_ARG_DIFF_SRC, srcDiff, bd.diff_src_desc());
        }
        return new Stage(dst, dstDiff, forward, backward);
    }

    private static convolution_forward.primitive_desc forwardOrNull(
            StageContext ctx, LayerSpec.Conv conv, algorithm alg, memory.desc src, memory.desc weights, memory.desc bias, memory.desc dst,
            long[] strides, long[] padBefore, long[] padAfter) {
        try {
            return new convolution_forward.primitive_desc(new convolution_forward.desc(ctx.forwardKind(),
                    alg, src, weights, bias, dst, strides, padBefore, padAfter), attr(conv), ctx.eng());
        } catch (RuntimeException unsupported) {
            return null; // this oneDNN build or CPU has no such kernel: the direct one runs
        }
    }

    /**
     * For a convolution of one input channel, oneDNN's first choice for forward_inference is its
     * brgconv kernel, which is slower there than its plain JIT one (the one it picks for
     * forward_training): float32, Xeon family 6 model 207, 2 threads, 2.3-2.6 against 3.5-4.7 us an
     * image at 8, 64 and 256 images. Takes the first {@code jit} implementation in oneDNN's list
     * (never a {@code ref} one), or its first choice when there is none.
     */
    private static convolution_forward.primitive_desc jitBeforeBrgconv(java.util.function.Supplier<convolution_forward.primitive_desc> make) {
        convolution_forward.primitive_desc first = make.get();
        if (!first.impl_info_str().getString().startsWith("brgconv")) {
            return first;
        }
        convolution_forward.primitive_desc candidate = make.get();
        while (candidate.next_impl()) {
            if (candidate.impl_info_str().getString().startsWith("jit")) {
                return candidate;
            }
        }
        return first;
    }

    /**
     * A bf16 weight gradient whose input is never in the NHWC layout, which keeps oneDNN 2.7.1 away
     * from its AMX weight-gradient kernels: both take NHWC only and decline any other layout before
     * doing anything else. The first of them, {@code brgemm_convolution_bwd_weights_t}, reads past
     * the end of a two-element array while its primitive descriptor is made ({@code pd_t::init}
     * tests {@code batchsizes[bs]} for every {@code bs} up to OH·OD; upstream's fix is commit
     * b2e948f, "brgemm bwd_w convolution: fix batchsizes indexes", in oneDNN 2.7.4): where the read
     * crosses into an unmapped page it kills the JVM with SIGSEGV, as it did in CI on a Xeon with
     * AMX while the engine built its bf16 plans. (Letting oneDNN choose, {@code any}, is NHWC there.)
     *
     * <p>Tries the forward pass's layout unless it is NHWC, then nChw16c (what oneDNN's AVX512_BF16
     * kernel takes), then NCHW (what that kernel takes for fewer than 16 input channels), and keeps
     * the first that oneDNN runs with a kernel rather than its reference code (the engine falls
     * back to float32 where none does). On CPUs without AMX, where the forward pass's layout is
     * blocked, nothing changes; on AMX CPUs the weight gradients of stride-1 convolutions are
     * {@link GemmWeightGradient}'s AMX matrix products (unless the fast paths are off, as in tests
     * that compare with oneDNN's kernels) and the others run the AVX512_BF16 kernel, as on AMD Zen 4.
     *
     * @param forwardSrc the forward pass's input layout, bf16, dims [n, in.channels, in.height, in.width]
     */
    static convolution_backward_weights.primitive_desc withoutNhwcInput(
            java.util.function.Function<memory.desc, convolution_backward_weights.primitive_desc> make,
            memory.desc forwardSrc, long n, ActivationShape in) {
        long[] dims = {n, in.channels(), in.height(), in.width()};
        memory.data_type bf16 = memory.data_type.bf16;
        java.util.List<memory.desc> layouts = new java.util.ArrayList<>();
        if (!forwardSrc.equals(Dnnl.desc(bf16, memory.format_tag.nhwc, dims))) {
            layouts.add(forwardSrc);
        }
        layouts.add(Dnnl.desc(bf16, memory.format_tag.nChw16c, dims));
        layouts.add(Dnnl.desc(bf16, memory.format_tag.nchw, dims));
        convolution_backward_weights.primitive_desc first = null;
        for (memory.desc layout : layouts) {
            convolution_backward_weights.primitive_desc pd = make.apply(layout);
            if (!Kernel.isReference(pd.impl_info_str().getString())) {
                return pd;
            }
            first = first == null ? pd : first;
        }
        return first;
    }

    /** The ReLU as a post-op, for a convolution with one; none for a linear one (BatchNormalization follows). */
    private static primitive_attr attr(LayerSpec.Conv conv) {
        primitive_attr attr = new primitive_attr();
        if (conv.relu()) {
            post_ops ops = new post_ops();
            ops.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
            attr.set_post_ops(ops);
        }
        return attr;
    }
}
