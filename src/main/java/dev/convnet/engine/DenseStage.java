package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * The output layer's fully connected part over the flattened activations, always in float32; its
 * logits go to the softmax in Java, which writes their gradient back into its {@link Stage#dstDiff()}.
 * In bf16 the activations are converted to float32 on the way in (the reorder into the layout the
 * inner product chose), and their gradient back to bf16.
 */
final class DenseStage {
    private DenseStage() {
    }

    static Stage build(StageContext ctx, LayerSpec.Dense dense, ActivationShape in, memory src, memory srcDiff,
                       ParameterSlot slot) {
        Steps forward = new Steps(dense.name());
        Steps backward = new Steps(dense.name());
        long n = ctx.batch();
        int outputs = dense.outputs();
        memory.desc biasDesc = Dnnl.desc(memory.format_tag.x, outputs);
        memory.desc dstDesc = Dnnl.desc(memory.format_tag.nc, n, outputs);
        long[] weightDims = {outputs, in.channels(), in.height(), in.width()};
        memory.desc weightAny = Dnnl.desc(memory.format_tag.any, weightDims);
        // The inner product reads the last activations in the layout they have (only converted to
        // float32 in bf16): its GEMM kernel takes any layout, a reorder would be pure cost.
        memory.desc srcDesc = Dnnl.withType(src.get_desc(), memory.data_type.f32);
        inner_product_forward.primitive_desc fwd = new inner_product_forward.primitive_desc(new inner_product_forward.desc(
                ctx.forwardKind(), srcDesc, weightAny, biasDesc, dstDesc), ctx.eng());
        memory layerSrc = ctx.converted(src, fwd.src_desc(), forward);
        // DL4J flattens NCHW activations channel-first, so its [c*h*w, out] weights are OIHW here.
        memory.desc plainWeights = Dnnl.desc(memory.format_tag.oihw, weightDims);
        Parameters p = slot.bind(ctx.eng(), ctx.masterWeightLayout(fwd.weights_desc(), plainWeights), plainWeights, biasDesc);
        memory weights = ctx.convertedWeights(p, fwd.weights_desc(), forward);
        memory dst = ctx.allocate(dstDesc);
        forward.add(ctx.forwardName(), fwd, new inner_product_forward(fwd), Dnnl.args(DNNL_ARG_SRC, layerSrc,
                DNNL_ARG_WEIGHTS, weights, DNNL_ARG_BIAS, p.bias, DNNL_ARG_DST, dst));
        if (!ctx.training()) {
            return new Stage(dst, null, forward, backward);
        }

        memory dstDiff = ctx.allocate(dstDesc);
        inner_product_backward_weights.primitive_desc bw = new inner_product_backward_weights.primitive_desc(
                new inner_product_backward_weights.desc(fwd.src_desc(), weightAny, biasDesc, dstDesc), ctx.eng(), fwd);
        memory bwSrc = ctx.converted(layerSrc, bw.src_desc(), backward);
        ctx.addWriting(backward, "backward_weights", bw, new inner_product_backward_weights(bw), Dnnl.args(DNNL_ARG_SRC, bwSrc,
                DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_DIFF_BIAS, p.biasGradient),
                DNNL_ARG_DIFF_WEIGHTS, p.weightGradient, bw.diff_weights_desc());
        if (srcDiff != null) {
            inner_product_backward_data.primitive_desc bd = new inner_product_backward_data.primitive_desc(
                    new inner_product_backward_data.desc(srcDesc, weightAny, dstDesc), ctx.eng(), fwd);
            memory backwardWeights = ctx.convertedWeights(p, bd.weights_desc(), backward);
            ctx.addWriting(backward, "backward_data", bd, new inner_product_backward_data(bd), Dnnl.args(DNNL_ARG_DIFF_DST, dstDiff,
                    DNNL_ARG_WEIGHTS, backwardWeights), DNNL_ARG_DIFF_SRC, srcDiff, bd.diff_src_desc());
        }
        return new Stage(dst, dstDiff, forward, backward);
    }
}
