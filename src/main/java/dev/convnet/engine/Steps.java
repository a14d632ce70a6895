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
 * A step may also be Java code between primitives ({@link #addJava}): a dropout mask drawn before
 * the product that applies it, moving statistics updated after the batch normalisation that
 * computed the batch's. oneDNN's CPU engine runs a primitive to the end before {@code execute}
 * returns, so Java code sees the results of the primitives before it.
 */
final class Steps {
    private final String layer;
    private final List<primitive> primitives = new ArrayList<>();
    private final List<IntMemoryMap> arguments = new ArrayList<>();
    /** Java code to run in place of a primitive, or null where the primitive at that index runs. */
    private final List<Runnable> javaSteps = new ArrayList<>();
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
        javaSteps.add(null);
        kernels.add(new Kernel(layerName, what, chosen.impl_info_str().getString()));
    }

    /** Java code run at this point of the sequence (not a oneDNN primitive, so not in {@link #kernels()}). */
    void addJava(Runnable code) {
        primitives.add(null);
        arguments.add(null);
        javaSteps.add(code);
    }

    String layer() {
        return layer;
    }

    void addAll(Steps other) {
        primitives.addAll(other.primitives);
        arguments.addAll(other.arguments);
        javaSteps.addAll(other.javaSteps);
        kernels.addAll(other.kernels);
    }

    List<Kernel> kernels() {
        return kernels;
    }

    void run(stream s) {
        for (int i = 0; i < primitives.size(); i++) {
            if (javaSteps.get(i) != null) {
                s._wait();
                javaSteps.get(i).run();
            } else {
                primitives.get(i).execute(s, arguments.get(i));
            }
        }
    }
}
