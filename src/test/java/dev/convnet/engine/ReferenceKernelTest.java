package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No plan the engine builds may run a primitive on oneDNN's reference code (plain loops, up to
 * 1000x slower: bf16 conv2's input gradient once took 453 ms a call on an AMX CPU because the plan
 * pinned its layout). {@link KernelReport} builds every plan (book network and variants; float32
 * Winograd, float32 direct, bf16 where available; training and inference; 1 and 64 images) in a
 * child JVM per instruction set oneDNN may use on this CPU: DNNL_MAX_CPU_ISA caps it, so each run
 * sees what a CPU with only that set would get (on a CPU with less, the cap changes nothing).
 * Nor may one run oneDNN 2.7.1's AMX weight-gradient convolution ({@link Kernel#isUnsafe}), which
 * the engine steers around (on a CPU without AMX oneDNN never offers it). The implementations go
 * to the test's output.
 */
class ReferenceKernelTest {

    @ParameterizedTest
    @ValueSource(strings = {"AVX2", "AVX512_CORE", "AVX512_CORE_BF16", "default"})
    void noPlanRunsAReferenceKernel(String isa) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, KernelReport.class.getName())).redirectErrorStream(true);
        if (!isa.equals("default")) {
            builder.environment().put("DNNL_MAX_CPU_ISA", isa);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "timed out");
        System.out.println("== DNNL_MAX_CPU_ISA " + isa + "\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("book fp32 training batch 64:\n"), output); // it built and listed the plans
        assertTrue(output.contains("  conv2d forward_training: ") && output.contains("  conv2d forward_inference: "), output);
        assertTrue(output.contains("\nunsafe kernels: 0\n"), output);
        assertTrue(output.strip().endsWith("reference kernels: 0"), output);
    }
}
