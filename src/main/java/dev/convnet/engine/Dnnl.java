package dev.convnet.engine;

import java.nio.FloatBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;

/** Small helpers over oneDNN's Java binding, so the network code reads as the maths. */
final class Dnnl {
    private Dnnl() {
    }

    static memory.desc desc(memory.format_tag tag, long... dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** A Java view of a memory's buffer; valid as long as the memory lives. */
    static FloatBuffer floats(memory mem) {
        long count = mem.get_desc().get_size() / Float.BYTES;
        return new FloatPointer(mem.get_data_handle()).capacity(count).asBuffer();
    }

    /** Execution arguments: pairs of a DNNL_ARG_* constant and a memory. */
    static IntMemoryMap args(Object... pairs) {
        IntMemoryMap map = new IntMemoryMap();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((Integer) pairs[i], (memory) pairs[i + 1]);
        }
        return map;
    }
}
