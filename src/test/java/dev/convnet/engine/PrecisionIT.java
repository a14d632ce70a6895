package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --precision}: names, and the one-line refusal on a CPU without AVX512_BF16. We cannot
 * borrow such a CPU, so a child JVM runs with oneDNN limited to AVX512_CORE, as a Skylake-SP or
 * an AVX-512 CPU before Cooper Lake / Zen 4 would be.
 */
class PrecisionIT {
    @TempDir
    Path tmp;

    @Test
    void readsItsNamesInAnyCase() {
        assertEquals(Precision.BF16, Precision.fromId("BF16"));
        assertEquals(Precision.FP32, Precision.fromId("fp32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.fromId("fp16"));
        assertEquals("unknown precision 'fp16' (choose fp32 or bf16)", e.getMessage());
    }

    /**
     * bf16 runs in float32, saying so, only where it would be slower: Intel with AVX512_BF16 and
     * no AMX. Zen 4/5 (AMD, no AMX) and AMX CPUs keep bf16; float32 is never touched.
     */
    @Test
    void bf16RunsInFloat32OnlyOnIntelWithoutAmx() {
        dev.convnet.platform.CpuInfo emeraldRapidsVm = new dev.convnet.platform.CpuInfo("GenuineIntel", 6, 207, "Xeon", java.util.Set.of("avx512_bf16"));
        dev.convnet.platform.CpuInfo zen4 = new dev.convnet.platform.CpuInfo("AuthenticAMD", 25, 17, "EPYC", java.util.Set.of("avx512_bf16"));
        assertEquals("--precision bf16 is slower than float32 on this CPU (GenuineIntel family 6 model 207: AVX512_BF16 without AMX, "
                + "bf16 at about 0.6x float32's speed), so it runs in float32", Precision.BF16.slowerReason(emeraldRapidsVm, true, false));
        assertEquals(null, Precision.BF16.slowerReason(emeraldRapidsVm, true, true)); // AMX exposed
        assertEquals(null, Precision.BF16.slowerReason(zen4, true, false));
        assertEquals(null, Precision.FP32.slowerReason(emeraldRapidsVm, true, false));
    }

    /** Where bf16 runs, train's test figures say they are bf16's (evaluate's float32 may differ in the last digit). */
    @Test
    void trainingInBf16SaysItsTestRanInBf16() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 256, 128, false);
        dev.convnet.cli.InProcessCli.Run run = dev.convnet.cli.InProcessCli.run("train", "--precision", "bf16", "--epochs", "1",
                "--data", data.toString(), "--output", tmp.resolve("bf16.zip").toString());
        String note = "\n(tested in bf16, as trained; 'convnet evaluate' tests in float32 unless given --precision bf16)\n";
        if (Precision.BF16.unavailableReason() != null) {
            assertEquals(2, run.exit(), run.err());
        } else {
            assertEquals(0, run.exit(), run.err());
            // where bf16 would be slower it runs float32 and says so instead
            assertEquals(Precision.BF16.slowerHereReason() == null, run.out().contains(note), run.out() + run.err());
        }
    }

    @Test
    void withoutAvx512Bf16TrainingInBf16IsAOneLineUsageError() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 64, 64, false);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "dev.convnet.ConvNet", "train", "--precision", "bf16", "--epochs", "1",
                "--data", data.toString(), "--output", tmp.resolve("m.zip").toString())).redirectErrorStream(true);
        builder.environment().put("DNNL_MAX_CPU_ISA", "AVX512_CORE");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timed out");
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.startsWith("convnet train: --precision bf16 needs a CPU with AVX512_BF16 (oneDNN runs at AVX512_CORE here): "
                + "use --precision fp32\n"), output);
        assertTrue(!output.contains("Exception") && !output.contains("\tat "), output);
    }
}
