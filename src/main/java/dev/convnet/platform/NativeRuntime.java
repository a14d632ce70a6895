package dev.convnet.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Chooses and configures ND4J's native CPU backend before its first use.
 *
 * <p>We ship two oneDNN builds of libnd4j for linux-x86_64: AVX-512 and AVX2. JavaCPP loads the one
 * named by the system property {@value #EXTENSION_PROPERTY}; we set it from the CPU's flags unless
 * the user already did. We also switch on DL4J's oneDNN layer helpers, which M2.1 disables by
 * default (see {@link org.nd4j.nativeblas.Nd4jCpu}).
 */
public final class NativeRuntime {
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private NativeRuntime() {
    }

    /** Must run before any ND4J or DL4J class initialises; later calls change nothing. */
    public static void configure() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
        if (System.getProperty(EXTENSION_PROPERTY) == null && !cudaBackendPresent()) {
            System.setProperty(EXTENSION_PROPERTY, variantFor(cpuFlags()));
        }
    }

    /** The native build to load for a CPU with these flags. */
    static String variantFor(Set<String> flags) {
        boolean avx512 = flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"));
        return avx512 ? "-onednn-avx512" : "-onednn-avx2";
    }

    /** The CPU's feature flags from /proc/cpuinfo (empty where that cannot be read). */
    static Set<String> cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** True where ND4J runs on the CPU backend, the only one our oneDNN engine works with. */
    public static boolean cpuBackend() {
        return "CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
    }

    private static boolean cudaBackendPresent() {
        try {
            Class.forName("org.nd4j.linalg.jcublas.JCublasBackend", false, NativeRuntime.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Which native build is loaded and whether oneDNN is on, e.g. {@code linux-x86_64-onednn-avx512, oneDNN on}. */
    public static String describe() {
        if (!cpuBackend()) {
            return Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend") + " backend";
        }
        boolean onednn = org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN();
        String variant = System.getProperty(EXTENSION_PROPERTY, "");
        Nd4j.getBackend(); // make sure the backend is loaded before we report on it
        String isa = oneDnnIsa();
        return "linux-x86_64" + variant.toLowerCase(Locale.ROOT) + ", oneDNN " + (onednn ? "on" : "off")
                + ", isa " + isa.toLowerCase(Locale.ROOT) + ", " + Nd4j.getEnvironment().maxMasterThreads() + " threads";
    }

    /**
     * Configures, loads and tunes the backend for training and inference.
     *
     * <p>OpenBLAS only serves the small dense layer here, but by default it keeps a worker thread
     * spinning after every product, which takes one of two cores away from oneDNN's convolutions.
     * With one OpenBLAS thread a training step took 26 ms instead of 42 ms on a 2-core machine.
     */
    public static void start() {
        configure();
        Nd4j.factory().blas().setMaxThreads(1);
    }

    /**
     * How many threads the parallel regions that the calling thread starts from now on may use
     * (oneDNN's primitives, ND4J's ops): OpenMP's {@code omp_set_num_threads}, which sets the
     * nthreads-var of the calling thread alone (OpenMP 5.1, section 3.2.1), through ND4J's native ops
     * (libnd4j and our oneDNN share one OpenMP runtime). Other threads keep theirs.
     *
     * @throws IllegalArgumentException when {@code threads} is under 1
     */
    public static void setThreadsOfThisThread(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }

    /** The threads a parallel region started by the calling thread would use now ({@code omp_get_max_threads}). */
    public static int threadsOfThisThread() {
        return org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }

    /** The instruction set our oneDNN kernels use, e.g. {@code avx512_core_bf16} (DNNL_MAX_CPU_ISA can lower it). */
    public static String oneDnnIsa() {
        int code = org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa();
        for (org.bytedeco.dnnl.global.dnnl.cpu_isa isa : org.bytedeco.dnnl.global.dnnl.cpu_isa.values()) {
            if (isa.value == code) {
                return isa.name();
            }
        }
        return "isa#" + code;
    }
}
