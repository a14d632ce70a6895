package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * What every stage of one plan shares: the oneDNN engine, the batch size, the precision, whether
 * the fast paths are on (float32 convolutions with Winograd kernels where oneDNN has them, bf16
 * weight gradients of small maps, of all stride-1 ones on AMX, as matrix products, {@link GemmWeightGradient}; {@code false}:
 * oneDNN's direct convolution only, which computes what DL4J computes to the last bits that
 * matter, for tests), and whether
 * the plan trains (forward_training, backprop) or only infers (forward_inference, no workspaces
 * and no gradient buffers).
 *
 * <p>Every primitive is created with {@code format_tag::any} and takes the layouts oneDNN chooses
 * for it; where two layers disagree, {@link #converted} and {@link #addWriting} put an explicit
 * reorder between them. Pinning one primitive's layout to its neighbour's can leave oneDNN nothing
 * but its reference code (bf16 conv2's input gradient in the blocked layout of a non-AMX conv1: 453 ms
 * a call on an AMX CPU), while a reorder of one activation costs microseconds.
 *
 * <p>{@code weightCopies} collects the reorders of master weights into the layouts (and, in bf16,
 * the type) the primitives chose: the plan runs them only when the weights have changed since its
 * last pass, so an inference plan reorders them once, not at every call.
 */
record StageContext(engine eng, long batch, Precision precision, boolean fastPaths, boolean training, Steps weightCopies) {

    /** The forward pass's propagation kind: inference plans let oneDNN skip what backprop would need. */
    prop_kind forwardKind() {
        return training ? prop_kind.forward_training : prop_kind.forward_inference;
    }

    /** The forward pass's name in {@link Kernel}s and DNNL_VERBOSE. */
    String forwardName() {
        return training ? "forward_training" : "forward_inference";
    }

    /**
     * The layout for a layer's float32 master weights when this plan is the first: a training plan's
     * forward layout (the update loop and the weight gradient then need no reorder), but for an
     * inference plan the plain one: its layouts may be ones oneDNN reorders into but not out of
     * (Winograd's inference weights), and an inference plan reorders its weights only once anyway.
     */
    memory.desc masterWeightLayout(memory.desc forwardWeights, memory.desc plain) {
        return training ? Dnnl.withType(forwardWeights, memory.data_type.f32) : plain;
    }

    memory allocate(memory.desc desc) {
        return new memory(desc, eng);
    }

    /**
     * {@code source} as {@code wanted}: {@code source} itself when the layouts agree, else a new
     * buffer that a reorder (added to {@code steps}) fills from it at every step.
     */
    memory converted(memory source, memory.desc wanted, Steps steps) {
        if (source.get_desc().equals(wanted)) {
            return source;
        }
        memory target = allocate(wanted);
        addReorder(source, target, steps);
        return target;
    }

    /**
     * The layer's master weights as {@code wanted}, filled by a reorder in {@link #weightCopies};
     * through the plain OIHW layout where oneDNN has no direct reorder (into Winograd's weight
     * layouts it reorders only from a plain one).
     *
     * @param layer the steps of the layer that reads them (for its name)
     */
    memory convertedWeights(Parameters p, memory.desc wanted, Steps layer) {
        if (p.weights.get_desc().equals(wanted)) {
            return p.weights;
        }
        memory target = allocate(wanted);
        try {
            addReorder(p.weights, target, layer.layer(), weightCopies);
        } catch (RuntimeException noDirectReorder) {
            memory plain = allocate(p.plainWeightDesc());
            addReorder(p.weights, plain, layer.layer(), weightCopies);
            addReorder(plain, target, layer.layer(), weightCopies);
        }
        return target;
    }

    /**
     * Adds primitive {@code p} to {@code steps}, its output argument {@code output} (in the layout
     * {@code produced} it chose) going to {@code destination}: written there directly when the
     * layouts agree, else into a new buffer and reordered into {@code destination} right after.
     * A null {@code destination} (nobody reads the output, but the primitive writes it) gets a
     * buffer of its own. Every buffer is allocated here, once per plan, none per step.
     *
     * @param args the primitive's other arguments; {@code output} is added to them
     */
    void addWriting(Steps steps, String what, primitive_desc_base pd, primitive p, IntMemoryMap args, int output,
                    memory destination, memory.desc produced) {
        memory written = destination != null && destination.get_desc().equals(produced) ? destination : allocate(produced);
        args.put(output, written);
        steps.add(what, pd, p, args);
        if (destination != null && written != destination) {
            addReorder(written, destination, steps);
        }
    }

    private void addReorder(memory from, memory to, Steps steps) {
        addReorder(from, to, steps.layer(), steps);
    }

    private void addReorder(memory from, memory to, String layer, Steps steps) {
        reorder.primitive_desc pd = new reorder.primitive_desc(from, to);
        steps.add(layer, "reorder", pd, new reorder(pd), Dnnl.args(DNNL_ARG_FROM, from, DNNL_ARG_TO, to));
    }
}
