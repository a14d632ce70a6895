package dev.convnet.engine;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;

/** oneDNN primitives with their arguments, run in the order they were added. */
final class Steps {
    private final List<primitive> primitives = new ArrayList<>();
    private final List<IntMemoryMap> arguments = new ArrayList<>();

    void add(primitive p, IntMemoryMap args) {
        primitives.add(p);
        arguments.add(args);
    }

    void addAll(Steps other) {
        primitives.addAll(other.primitives);
        arguments.addAll(other.arguments);
    }

    void run(stream s) {
        for (int i = 0; i < primitives.size(); i++) {
            primitives.get(i).execute(s, arguments.get(i));
        }
    }
}
