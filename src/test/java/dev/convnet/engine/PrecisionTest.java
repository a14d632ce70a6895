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
class PrecisionTest {
    @TempDir
    Path tmp;

    @Test
    void readsItsNamesInAnyCase() {
        assertEquals(Precision.BF16, Precision.fromId("BF16"));
        assertEquals(Precision.FP32, Precision.fromId("fp32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.fromId("fp16"));
        assertEquals("unknown precision 'fp16' (choose fp32 or bf16)", e.getMessage());
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
