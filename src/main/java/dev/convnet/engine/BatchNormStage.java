package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.nio.FloatBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * BatchNormalization over a map's channels by oneDNN's {@code batch_normalization} primitive, with
 * gamma and beta as its scale and shift (trained by RMSprop like a layer's weights and bias, see
 * {@link Parameters}) and, where a ReLU follows, that ReLU fused in ({@code fuse_norm_relu}: its
 * backprop masks the gradient by the workspace the forward pass wrote).
 *
 * <p>Training normalises by the batch's mean and biased variance over images and positions, which
 * oneDNN returns, and then updates the {@link MovingStatistics} in Java as Keras does; inference
 * ({@code use_global_stats}) normalises by the moving ones. The primitive takes its input in the
 * layout the convolution wrote it (it cannot choose one), so no reorder is added.
 */
final class BatchNormStage {
    private BatchNormStage() {
    }

    static Stage build(StageContext ctx, LayerSpec.BatchNorm norm, ActivationShape in, memory src, memory srcDiff,
                       ParameterSlot slot, MovingStatistics moving) {
        Steps forward = new Steps(norm.name());
        Steps backward = new Steps(norm.name());
        long channels = in.channels();
        memory.desc perChannel = Dnnl.desc(memory.format_tag.x, channels);
        // gamma as the "weights" and beta as the "bias": the same RMSprop update and bookkeeping
        Parameters p = slot.bind(ctx.eng(), perChannel, perChannel, perChannel);
        int flags = normalization_flags.use_scale.value | normalization_flags.use_shift.value
                | (norm.relu() ? normalization_flags.fuse_norm_relu.value : 0);
        float epsilon = (float) norm.epsilon();
        memory.desc data = src.get_desc();
        if (!ctx.training()) {
            batch_normalization_forward.primitive_desc fwd = new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(prop_kind.forward_inference.value, data, epsilon,
                            flags | normalization_flags.use_global_stats.value), ctx.eng());
            memory dst = ctx.allocate(fwd.dst_desc());
            forward.add(ctx.forwardName(), fwd, new batch_normalization_forward(fwd), Dnnl.args(DNNL_ARG_SRC, src,
                    DNNL_ARG_MEAN, moving.mean, DNNL_ARG_VARIANCE, moving.variance, DNNL_ARG_SCALE, p.weights,
                    DNNL_ARG_SHIFT, p.bias, DNNL_ARG_DST, dst));
            return new Stage(dst, null, forward, backward);
        }
        batch_normalization_forward.primitive_desc fwd = new batch_normalization_forward.primitive_desc(
                new batch_normalization_forward.desc(prop_kind.forward_training.value, data, epsilon, flags), ctx.eng());
        memory dst = ctx.allocate(fwd.dst_desc());
        memory batchMean = ctx.allocate(fwd.mean_desc());
        memory batchVariance = ctx.allocate(fwd.variance_desc());
        memory workspace = norm.relu() ? ctx.allocate(fwd.workspace_desc()) : null;
        IntMemoryMap forwardArgs = Dnnl.args(DNNL_ARG_SRC, src, DNNL_ARG_SCALE, p.weights, DNNL_ARG_SHIFT, p.bias,
                DNNL_ARG_DST, dst, DNNL_ARG_MEAN, batchMean, DNNL_ARG_VARIANCE, batchVariance);
        if (workspace != null) {
            forwardArgs.put(DNNL_ARG_WORKSPACE, workspace);
        }
        forward.add(ctx.forwardName(), fwd, new batch_normalization_forward(fwd), forwardArgs);
        FloatBuffer meanValues = Dnnl.floats(batchMean);
        FloatBuffer varianceValues = Dnnl.floats(batchVariance);
        float momentum = (float) norm.momentum();
        forward.addJava(() -> moving.update(meanValues, varianceValues, momentum));

        memory dstDiff = ctx.allocate(fwd.dst_desc());
        batch_normalization_backward.primitive_desc bwd = new batch_normalization_backward.primitive_desc(
                new batch_normalization_backward.desc(prop_kind.backward.value, fwd.dst_desc(), data, epsilon, flags),
                ctx.eng(), fwd);
        memory layerDstDiff = ctx.converted(dstDiff, bwd.diff_dst_desc(), backward);
        // oneDNN 2.7 refuses this backward pass without the shift as an input too (invalid_arguments)
        IntMemoryMap backwardArgs = Dnnl.args(DNNL_ARG_SRC, src, DNNL_ARG_MEAN, batchMean, DNNL_ARG_VARIANCE, batchVariance,
                DNNL_ARG_DIFF_DST, layerDstDiff, DNNL_ARG_SCALE, p.weights, DNNL_ARG_SHIFT, p.bias,
                DNNL_ARG_DIFF_SCALE, p.weightGradient, DNNL_ARG_DIFF_SHIFT, p.biasGradient);
        if (workspace != null) {
            backwardArgs.put(DNNL_ARG_WORKSPACE, workspace);
        }
        // srcDiff is null where nothing below needs the input's gradient (a first layer), but the primitive writes it anyway
        ctx.addWriting(backward, "backward", bwd, new batch_normalization_backward(bwd), backwardArgs,
                DNNL_ARG_DIFF_SRC, srcDiff, bwd.diff_src_desc());
        return new Stage(dst, dstDiff, forward, backward);
    }
}
