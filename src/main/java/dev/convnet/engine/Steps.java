package dev.convnet.engine;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.stream;

/**
 * One layer's oneDNN primitives with their arguments, run in the order they were added, and the
 * implementation oneDNN chose for each (so a plan can refuse reference kernels, see {@link Kernel}).
 */
final class Steps {
    private final String layer;
    private final List<primitive> primitives = new ArrayList<>();
    private final List<IntMemoryMap> arguments = new ArrayList<>();
    private final List<Kernel> kernels = new ArrayList<>();

    /** @param layer the layer's name, for {@link #kernels()} */
    Steps(String layer) {
        this.layer = layer;
    }

    /**
     * @param what the primitive kind and pass, e.g. {@code convolution forward_training}
     * @param chosen the primitive descriptor {@code p} was created from
     */
    void add(String what, primitive_desc_base chosen, primitive p, IntMemoryMap args) {
        add(layer, what, chosen, p, args);
    }

    /** As above, for layer {@code layerName} (steps that gather several layers' work). */
    void add(String layerName, String what, primitive_desc_base chosen, primitive p, IntMemoryMap args) {
        primitives.add(p);
        arguments.add(args);
        kernels.add(new Kernel(layerName, what, chosen.impl_info_str().getString()));
    }

    String layer() {
        return layer;
    }

    void addAll(Steps other) {
        primitives.addAll(other.primitives);
        arguments.addAll(other.arguments);
        kernels.addAll(other.kernels);
    }

    List<Kernel> kernels() {
        return kernels;
    }

    void run(stream s) {
        for (int i = 0; i < primitives.size(); i++) {
            primitives.get(i).execute(s, arguments.get(i));
        }
    }
}
