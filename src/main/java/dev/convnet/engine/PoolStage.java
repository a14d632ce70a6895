package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;

/**
 * Max pooling and its backprop, which sends each output's gradient to the input that was the
 * maximum (oneDNN records which in a workspace).
 *
 * <p>After a ReLU convolution this stage also applies the ReLU's gradient, on its own output rather
 * than on the convolution's four times larger one: a pooled value is the ReLU output at the position
 * the gradient goes to, so masking by {@code pooled > 0} before pooling backward gives exactly the
 * same gradient as masking by {@code relu > 0} after it, for a quarter of the work.
 */
final class PoolStage {
    private PoolStage() {
    }

    static Stage build(StageContext ctx, LayerSpec.MaxPool pool, ActivationShape in, memory src, memory srcDiff,
                       boolean appliesPreviousRelu) {
        Steps forward = new Steps(pool.name());
        Steps backward = new Steps(pool.name());
        ActivationShape out = pool.outputShape(in);
        long[] strides = {pool.stride(), pool.stride()};
        long[] kernel = {pool.kernel(), pool.kernel()};
        long[] pad = {0, 0};
        memory.data_type type = src.get_desc().data_type();
        memory.desc srcAny = Dnnl.desc(type, memory.format_tag.any, ctx.batch(), in.channels(), in.height(), in.width());
        memory.desc dstAny = Dnnl.desc(type, memory.format_tag.any, ctx.batch(), out.channels(), out.height(), out.width());
        // Pooling cannot choose its input's layout: it takes the convolution's output as it is.
        pooling_forward.primitive_desc fwd = new pooling_forward.primitive_desc(new pooling_forward.desc(
                ctx.forwardKind(), algorithm.pooling_max, src.get_desc(), dstAny, strides, kernel, pad, pad), ctx.eng());
        memory dst = ctx.allocate(fwd.dst_desc());
        if (!ctx.training()) {
            forward.add(ctx.forwardName(), fwd, new pooling_forward(fwd), Dnnl.args(DNNL_ARG_SRC, src, DNNL_ARG_DST, dst));
            return new Stage(dst, null, forward, backward);
        }
        memory dstDiff = ctx.allocate(fwd.dst_desc());
        memory workspace = ctx.allocate(fwd.workspace_desc());
        forward.add(ctx.forwardName(), fwd, new pooling_forward(fwd),
                Dnnl.args(DNNL_ARG_SRC, src, DNNL_ARG_DST, dst, DNNL_ARG_WORKSPACE, workspace));
        if (srcDiff != null) {
            if (appliesPreviousRelu) {
                Relu.backward(ctx, dst, dstDiff, backward);
            }
            pooling_backward.primitive_desc bwd = new pooling_backward.primitive_desc(new pooling_backward.desc(
                    algorithm.pooling_max, srcAny, dstAny, strides, kernel, pad, pad), ctx.eng(), fwd);
            memory layerDstDiff = ctx.converted(dstDiff, bwd.diff_dst_desc(), backward);
            ctx.addWriting(backward, "backward", bwd, new pooling_backward(bwd), Dnnl.args(DNNL_ARG_DIFF_DST, layerDstDiff,
                    DNNL_ARG_WORKSPACE, workspace), DNNL_ARG_DIFF_SRC, srcDiff, bwd.diff_src_desc());
        }
        return new Stage(dst, dstDiff, forward, backward);
    }
}
