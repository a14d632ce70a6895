package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * The output layer's fully connected part over the flattened activations, always in float32; its
 * logits go to the softmax in Java, which writes their gradient back into its {@link Stage#dstDiff()}.
 * In bf16 the activations are converted to float32 on the way in, and their gradient back to bf16.
 */
final class DenseStage {
    private DenseStage() {
    }

    static Stage build(StageContext ctx, LayerSpec.Dense dense, ActivationShape in, memory src, memory srcDiff,
                       ParameterSlot slot) {
        Steps forward = new Steps();
        Steps backward = new Steps();
        long n = ctx.batch();
        int outputs = dense.outputs();
        memory.desc biasDesc = Dnnl.desc(memory.format_tag.x, outputs);
        memory.desc dstDesc = Dnnl.desc(memory.format_tag.nc, n, outputs);
        memory.desc srcDesc = Dnnl.withType(src.get_desc(), memory.data_type.f32);
        memory layerSrc = ctx.converted(src, srcDesc, forward);
        memory.desc weightHint = slot.weightLayoutOr(
                Dnnl.desc(memory.format_tag.any, outputs, in.channels(), in.height(), in.width()));
        inner_product_forward.primitive_desc fwd = new inner_product_forward.primitive_desc(new inner_product_forward.desc(
                prop_kind.forward_training, srcDesc, weightHint, biasDesc, dstDesc), ctx.eng());
        // DL4J flattens NCHW activations channel-first, so its [c*h*w, out] weights are OIHW here.
        Parameters p = slot.bind(ctx.eng(), fwd.weights_desc(),
                Dnnl.desc(memory.format_tag.oihw, outputs, in.channels(), in.height(), in.width()), biasDesc);
        memory dst = ctx.allocate(dstDesc);
        memory dstDiff = ctx.allocate(dstDesc);
        forward.add(new inner_product_forward(fwd), Dnnl.args(DNNL_ARG_SRC, layerSrc, DNNL_ARG_WEIGHTS, p.weights,
                DNNL_ARG_BIAS, p.bias, DNNL_ARG_DST, dst));

        inner_product_backward_weights.primitive_desc bw = new inner_product_backward_weights.primitive_desc(
                new inner_product_backward_weights.desc(srcDesc, p.weightDesc(), biasDesc, dstDesc), ctx.eng(), fwd);
        ParameterSlot.requireSame(bw.diff_weights_desc(), p.weightDesc(), "dense weight gradient");
        backward.add(new inner_product_backward_weights(bw), Dnnl.args(DNNL_ARG_SRC, layerSrc,
                DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_DIFF_WEIGHTS, p.weightGradient, DNNL_ARG_DIFF_BIAS, p.biasGradient));
        if (srcDiff != null) {
            memory layerSrcDiff = srcDiff.get_desc().equals(srcDesc) ? srcDiff : ctx.allocate(srcDesc);
            backward.add(new inner_product_backward_data(new inner_product_backward_data.primitive_desc(
                            new inner_product_backward_data.desc(srcDesc, p.weightDesc(), dstDesc), ctx.eng(), fwd)),
                    Dnnl.args(DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_WEIGHTS, p.weights, DNNL_ARG_DIFF_SRC, layerSrcDiff));
            if (layerSrcDiff != srcDiff) {
                backward.add(new reorder(layerSrcDiff, srcDiff), Dnnl.args(DNNL_ARG_FROM, layerSrcDiff, DNNL_ARG_TO, srcDiff));
            }
        }
        return new Stage(dst, dstDiff, forward, backward);
    }
}
