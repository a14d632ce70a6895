package dev.convnet.engine;

import java.nio.FloatBuffer;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;

/** Small helpers over oneDNN's Java binding, so the network code reads as the maths. */
final class Dnnl {
    private Dnnl() {
    }

    static memory.desc desc(memory.format_tag tag, long... dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    static memory.desc desc(memory.data_type type, memory.format_tag tag, long... dims) {
        return new memory.desc(dims, type, tag);
    }

    /** The same tensor (dimensions and layout) with another element type. */
    static memory.desc withType(memory.desc desc, memory.data_type type) {
        dnnl_memory_desc_t copy = new dnnl_memory_desc_t();
        copy.put(desc.data());
        copy.data_type(type.value);
        return new memory.desc(copy);
    }

    /** A Java view of a float32 memory's buffer; valid as long as the memory lives. */
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

    /** Whether oneDNN may use AVX512_BF16 here (the CPU has it and DNNL_MAX_CPU_ISA allows it). */
    static boolean hasBf16() {
        return has(dnnl.dnnl_cpu_isa_avx512_core_bf16);
    }

    /**
     * Whether oneDNN may use AMX here: the CPU has AMX-TILE and AMX-BF16, the kernel lets this process
     * use the tile registers, and DNNL_MAX_CPU_ISA allows it (oneDNN checks all three).
     */
    static boolean hasAmx() {
        return has(dnnl.dnnl_cpu_isa_avx512_core_amx);
    }

    private static boolean has(int isaBits) {
        return (dnnl.dnnl_get_effective_cpu_isa() & isaBits) == isaBits;
    }

    /** oneDNN's instruction set here, as DNNL_MAX_CPU_ISA names it, e.g. {@code AVX512_CORE}. */
    static String isaName() {
        int[] values = {dnnl.dnnl_cpu_isa_avx512_core_amx, dnnl.dnnl_cpu_isa_avx512_core_fp16, dnnl.dnnl_cpu_isa_avx512_core_bf16,
            dnnl.dnnl_cpu_isa_avx512_core_vnni, dnnl.dnnl_cpu_isa_avx512_core, dnnl.dnnl_cpu_isa_avx2_vnni, dnnl.dnnl_cpu_isa_avx2,
            dnnl.dnnl_cpu_isa_avx, dnnl.dnnl_cpu_isa_sse41};
        String[] names = {"AVX512_CORE_AMX", "AVX512_CORE_FP16", "AVX512_CORE_BF16", "AVX512_CORE_VNNI", "AVX512_CORE",
            "AVX2_VNNI", "AVX2", "AVX", "SSE41"};
        for (int i = 0; i < values.length; i++) {
            if (has(values[i])) {
                return names[i];
            }
        }
        return "no vector extensions";
    }

    /** oneDNN's version, e.g. {@code 2.7.1}. */
    static String version() {
        org.bytedeco.dnnl.dnnl_version_t v = dnnl.dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch();
    }
}
