package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.global.dnnl.algorithm;

/**
 * Inverted dropout (Srivastava et al., 2014; as Keras' {@code Dropout(rate)} and DL4J's
 * {@code DropoutLayer(1 - rate)} compute it): before each training step Java draws a float32 mask,
 * {@code 1 / (1 - rate)} with probability {@code 1 - rate} and 0 otherwise, and oneDNN's
 * {@code binary_mul} multiplies the activations by it; backprop multiplies the gradient by the same
 * mask. In inference the stage is the identity and adds no step at all.
 *
 * <p>The mask has the activations' dimensions and layout (blocked ones included): every element
 * is drawn independently, so the layout changes which unit a draw lands on, not the distribution.
 */
final class DropoutStage {
    private DropoutStage() {
    }

    /**
     * @param random the generator that draws the masks, seeded from the model's seed; shared by the network's plans
     * @param maskOut receives the training mask's memory (for tests that check a step against it)
     */
    static Stage build(StageContext ctx, LayerSpec.Dropout dropout, memory src, memory srcDiff,
                       Supplier<SplittableRandom> random, Consumer<memory> maskOut) {
        Steps forward = new Steps(dropout.name());
        Steps backward = new Steps(dropout.name());
        if (!ctx.training()) {
            return new Stage(src, null, forward, backward);
        }
        memory.desc data = src.get_desc();
        memory mask = ctx.allocate(Dnnl.withType(data, memory.data_type.f32));
        maskOut.accept(mask);
        FloatBuffer maskValues = Dnnl.floats(mask);
        double keep = 1 - dropout.rate();
        float scale = dropout.keptScale();
        forward.addJava(() -> {
            SplittableRandom draws = random.get();
            for (int i = 0, n = maskValues.capacity(); i < n; i++) {
                maskValues.put(i, draws.nextDouble() < keep ? scale : 0f);
            }
        });
        binary.primitive_desc fwd = new binary.primitive_desc(new binary.desc(algorithm.binary_mul, data, mask.get_desc(), data),
                ctx.eng());
        memory dst = ctx.allocate(fwd.dst_desc());
        forward.add("binary_mul " + ctx.forwardName(), fwd, new binary(fwd), Dnnl.args(DNNL_ARG_SRC_0, src, DNNL_ARG_SRC_1, mask,
                DNNL_ARG_DST, dst));
        memory dstDiff = ctx.allocate(fwd.dst_desc());
        if (srcDiff != null) {
            binary.primitive_desc bwd = new binary.primitive_desc(new binary.desc(algorithm.binary_mul, dstDiff.get_desc(),
                    mask.get_desc(), srcDiff.get_desc()), ctx.eng());
            backward.add("binary_mul backward", bwd, new binary(bwd), Dnnl.args(DNNL_ARG_SRC_0, dstDiff, DNNL_ARG_SRC_1, mask,
                    DNNL_ARG_DST, srcDiff));
        }
        return new Stage(dst, dstDiff, forward, backward);
    }
}
