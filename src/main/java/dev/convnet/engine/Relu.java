package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;

import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;

/** The ReLU's backprop, from its output: the gradient is kept where the output is positive. */
final class Relu {
    private Relu() {
    }

    /** Adds to {@code steps}: {@code diff *= (out > 0)}, in place. */
    static void backward(StageContext ctx, memory out, memory diff, Steps steps) {
        memory.desc d = out.get_desc();
        eltwise_forward.primitive_desc hint = new eltwise_forward.primitive_desc(new eltwise_forward.desc(
                prop_kind.forward_training, algorithm.eltwise_relu_use_dst_for_bwd, d, 0f, 0f), ctx.eng());
        eltwise_backward.primitive_desc bwd = new eltwise_backward.primitive_desc(
                new eltwise_backward.desc(algorithm.eltwise_relu_use_dst_for_bwd, d, d, 0f, 0f), ctx.eng(), hint);
        steps.add("eltwise_relu backward", bwd, new eltwise_backward(bwd), Dnnl.args(DNNL_ARG_DST, out, DNNL_ARG_DIFF_DST, diff, DNNL_ARG_DIFF_SRC, diff));
    }
}
