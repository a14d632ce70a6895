package dev.convnet.engine;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;

/**
 * What every stage of one plan shares: the oneDNN engine, the batch size, the precision, and
 * whether convolutions may use Winograd kernels where oneDNN has them ({@code false}: direct
 * convolution only, which computes what DL4J computes to the last bits that matter, for tests).
 */
record StageContext(engine eng, long batch, Precision precision, boolean winograd) {

    /** Element type of activations and their gradients between convolutions and poolings. */
    memory.data_type activationType() {
        return precision == Precision.BF16 ? memory.data_type.bf16 : memory.data_type.f32;
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
        steps.add(new reorder(source, target), Dnnl.args(
                org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM, source, org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO, target));
        return target;
    }
}
