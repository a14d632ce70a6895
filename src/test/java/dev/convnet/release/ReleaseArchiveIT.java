package dev.convnet.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball that {@code mvn package} makes (scripts/release), unpacked into a temporary
 * folder and run as a user without Java would: with a PATH of a few shell tools only (no
 * {@code java}, {@code mvn}, {@code npm} or {@code python3}), an empty environment otherwise.
 * Runs in verify's integration-test phase, after package ({@code -Dconvnet.release} names the file).
 */
class ReleaseArchiveIT {
    /** What the launcher and unpacking need; nothing that could run Java or fetch data. */
    private static final List<String> TOOLS = List.of("bash", "cat", "dirname", "head", "sed", "mkdir", "mv", "rm",
            "locale", "unzip", "tar", "gzip");
    private static final List<String> ABSENT = List.of("java", "mvn", "npm", "python3");

    @TempDir
    static Path tmp;
    static Path bin;
    static Path home;
    static Path data;
    static final List<String> transcript = new ArrayList<>();

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("convnet.release", "target/convnet-0.1.0-linux-x86_64.tar.gz"));
        assertTrue(Files.isRegularFile(archive), "no release archive at " + archive + ": run mvn package first");
        bin = Files.createDirectories(tmp.resolve("path"));
        for (String tool : TOOLS) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new IllegalStateException("the test needs " + tool + " in /usr/bin"));
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        data = TestData.subset(tmp.resolve("mnist-subset"), 512, 200, false);
        Path unpacked = Files.createDirectories(tmp.resolve("somewhere else"));
        Result untar = run(unpacked, Map.of(), "tar", "-xzf", archive.toAbsolutePath().toString());
        assertEquals(0, untar.exit, untar.output);
        try (Stream<Path> top = Files.list(unpacked)) {
            home = top.findFirst().orElseThrow();
        }
    }

    @Test
    void runsSummaryTrainAndEvaluateWithoutJavaOnThePath() throws Exception {
        for (String missing : ABSENT) {
            Result which = run(tmp, Map.of(), "bash", "-c", "command -v " + missing);
            assertEquals(1, which.exit, missing + " is on the test's PATH: " + which.output);
        }
        Path launcher = home.resolve("bin/convnet");
        Path model = tmp.resolve("model.zip");

        Result summary = run(tmp, Map.of(), launcher.toString(), "summary");
        assertEquals(0, summary.exit, summary.output);
        assertTrue(summary.output.contains("Total params: 104,202"), summary.output);
        assertTrue(Files.isRegularFile(home.resolve("lib/convnet.jsa")), "the first command leaves an AppCDS archive");

        Result train = run(tmp, Map.of(), launcher.toString(), "train", "--epochs", "1", "--batch", "64", "--seed", "3",
                "--data", data.toString(), "--output", model.toString());
        assertEquals(0, train.exit, train.output);
        assertTrue(Files.isRegularFile(model), train.output);

        // -Xshare:on makes the JVM fail rather than start without the archive: the archive made on
        // first use matches this runtime and this location.
        Result evaluate = run(tmp, Map.of("CONVNET_JAVA_OPTS", "-Xshare:on"), launcher.toString(), "evaluate",
                model.toString(), "--data", data.toString());
        assertEquals(0, evaluate.exit, evaluate.output);
        assertTrue(evaluate.output.toLowerCase().contains("accuracy"), evaluate.output);
        assertFalse(evaluate.output.contains("\tat "), evaluate.output);
        System.out.println(String.join("\n", transcript));
    }

    @Test
    void withoutNpmOrDataItSaysHowToPointAtMnist() throws Exception {
        Result train = run(tmp, Map.of(), home.resolve("bin/convnet").toString(), "train", "--epochs", "1");
        assertEquals(1, train.exit, train.output);
        assertEquals(1, train.output.strip().lines().count(), train.output);
        assertTrue(train.output.contains("npm") && train.output.contains("--data"), train.output);
    }

    private static Result run(Path dir, Map<String, String> extra, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", bin.toString());
        env.put("HOME", tmp.toString());
        env.putAll(extra);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        String output = new String(out, StandardCharsets.UTF_8);
        transcript.add("$ PATH=" + bin + " " + String.join(" ", command) + "\n" + output);
        return new Result(process.exitValue(), output);
    }

    private record Result(int exit, String output) {
    }
}
