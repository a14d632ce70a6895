package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.model.ModelStore;
import dev.convnet.run.RunState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGTERM at the moments of a run where files are written or the run is nearly over: during a
 * checkpoint write and its rename, the final evaluation, the final save; once, or twice (which
 * quits at once). The child JVM pauses at the exact moment ({@code -Dconvnet.pause}, read by the
 * test agent {@link ChildPause}), so the signal lands there every time. Whatever the moment, the
 * invariants hold: exit 143, no stack
 * trace, a last line that says what is on disk, no temporary file, and on disk either the
 * finished model or a checkpoint that {@code --resume} takes to the end.
 */
class SignalIT {
    @TempDir
    static Path shared;
    static Path data;
    static Path agent;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() throws IOException {
        data = TestData.subset(shared.resolve("data"), 128, 100, false);
        agent = ChildPause.writeAgentJar(shared.resolve("child-pause.jar"));
    }

    static Stream<Arguments> moments() {
        return Stream.of(
                // epochs, where the child pauses, signals, what the last line must say
                Arguments.of(2, "write:m.checkpoint.zip", 1, "The checkpoint after epoch 1 is kept in"),
                Arguments.of(1, "write:m.checkpoint.zip", 1, "Stopped before the final evaluation and save. The checkpoint after epoch 1"),
                Arguments.of(1, "write:m.checkpoint.zip", 2, "Stopped at once; no epoch had finished, so nothing was saved."),
                Arguments.of(1, "rename:m.checkpoint.zip", 2, "Stopped at once; no epoch had finished, so nothing was saved."),
                Arguments.of(1, "evaluate", 1, "Stopped before the final evaluation and save. The checkpoint after epoch 1"),
                Arguments.of(1, "evaluate", 2, "Stopped at once; the checkpoint after epoch 1 is kept in"),
                Arguments.of(1, "write:m.zip", 1, "Stopped as asked, once the final save was complete: the model is saved whole in"),
                Arguments.of(1, "write:m.zip", 2, "Stopped at once; the checkpoint after epoch 1 is kept in"),
                Arguments.of(1, "rename:m.zip", 2, "Stopped at once; the checkpoint after epoch 1 is kept in"),
                Arguments.of(1, "rename:m.history.csv", 2, "Stopped at once; the model is saved whole in"));
    }

    @ParameterizedTest(name = "{0} epoch(s), {2} SIGTERM at {1}")
    @MethodSource("moments")
    void everyInterruptionSaysWhatIsOnDiskAndLeavesSomethingWhole(int epochs, String moment, int signals, String says)
            throws Exception {
        Path model = tmp.resolve("m.zip");
        Child child = run(List.of("-Dconvnet.pause=" + moment, "-Dconvnet.pause.millis=1600"),
                "train", "--epochs", String.valueOf(epochs), "--batch", "64", "--seed", "4", "--data", data.toString(),
                "--output", model.toString());
        String output = child.signalWhenPausedAndWait(signals);
        assertEquals(143, child.exit, output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
        String last = output.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith(says) || last.contains(says), "last line: " + last + "\n" + output);
        try (Stream<Path> files = Files.list(tmp)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> !n.equals("paused")).toList();
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".lock")), "left behind: " + names);
        }
        Path checkpoint = tmp.resolve("m.checkpoint.zip");
        if (last.contains("the model is saved whole")) {
            new ModelStore().load(model);
            assertTrue(new ModelStore().readRunRecord(model).contains("run.test.accuracy"), "a finished model");
        } else if (last.contains("checkpoint after epoch")) {
            assertFalse(Files.exists(model), "no final model from a stopped run");
            RunState state = RunState.fromText(new ModelStore().readRunRecord(checkpoint));
            new ModelStore().load(checkpoint);
            InProcessCli.Run resumed = InProcessCli.run("train", "--resume", checkpoint.toString(), "--data", data.toString(),
                    "--output", model.toString(), "--epochs", String.valueOf(epochs));
            assertEquals(0, resumed.exit(), resumed.err() + "\n(checkpoint after epoch " + state.epochsDone() + ")");
            new ModelStore().load(model);
            assertFalse(Files.exists(checkpoint), "the finished run removed its checkpoint");
        } else {
            assertTrue(last.contains("nothing was saved"), last);
            assertFalse(Files.exists(model) || Files.exists(checkpoint), "nothing claimed, nothing there");
        }
    }

    /** The output lock holds across processes (an fcntl lock is easy to drop by closing another descriptor). */
    @Test
    void aSecondTrainingOfTheSameOutputIsRefusedWhileTheFirstRuns() throws Exception {
        Path model = tmp.resolve("m.zip");
        Child first = run(List.of("-Dconvnet.pause=write:m.checkpoint.zip", "-Dconvnet.pause.millis=1500"),
                "train", "--epochs", "1", "--seed", "4", "--data", data.toString(), "--output", model.toString());
        String[] second = new String[1];
        String output = first.whenPaused(() -> {
            InProcessCli.Run run = InProcessCli.run("train", "--epochs", "1", "--data", data.toString(), "--output", model.toString());
            second[0] = run.exit() + " " + run.err();
        });
        assertEquals(0, first.exit, output);
        assertTrue(second[0].startsWith("1 convnet train: error: another convnet train is writing " + model + " (process "
                + first.process.pid() + ")"), second[0]);
        new ModelStore().load(model);
    }

    /**
     * Once training has finished and saved, the page stays until Ctrl-C; that signal then only closes the page:
     * the run succeeded, so the exit is 0 ({@code train --live && next-step} goes on), not 143.
     */
    @Test
    void aSignalWhileOnlyTheLivePageStaysExitsZero() throws Exception {
        Path model = tmp.resolve("m.zip");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "dev.convnet.ConvNet", "train", "--epochs", "1", "--seed", "4", "--data", data.toString(),
                "--output", model.toString(), "--live", "--port", "0").redirectErrorStream(true).start();
        StringBuilder printed = new StringBuilder();
        try (java.io.BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                printed.append(line).append('\n');
                if (line.startsWith("The live page stays at ")) {
                    kill(process.pid());
                }
            }
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child still running");
        String output = printed.toString();
        assertTrue(output.contains("The live page stays at "), output);
        assertEquals(0, process.exitValue(), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
        new ModelStore().load(model);
    }

    /** A convnet JVM whose merged stdout and stderr are collected, and that creates {@code pauseSignal} when it pauses. */
    private static final class Child {
        final Process process;
        final Path pauseSignal;
        int exit;

        Child(Process process, Path pauseSignal) {
            this.process = process;
            this.pauseSignal = pauseSignal;
        }

        /** Sends {@code count} SIGTERMs, 200 ms apart, once the child has paused; returns all it printed. */
        String signalWhenPausedAndWait(int count) throws Exception {
            return whenPaused(() -> {
                for (int i = 0; i < count; i++) {
                    kill(process.pid());
                    sleep(200);
                }
            });
        }

        /** Runs {@code action} once the child has paused, waits for it to end; returns all it printed. */
        String whenPaused(Runnable action) throws Exception {
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try {
                    process.getInputStream().transferTo(printed);
                } catch (IOException ignored) {
                    // the child ended
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(pauseSignal) && process.isAlive() && System.nanoTime() < deadline) {
                sleep(50);
            }
            boolean paused = Files.exists(pauseSignal);
            if (paused) {
                action.run();
            }
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child still running");
            reader.join();
            exit = process.exitValue();
            String output = printed.toString(StandardCharsets.UTF_8);
            assertTrue(paused, "the child never paused: " + output);
            return output;
        }
    }

    private Child run(List<String> jvmOptions, String... args) throws IOException {
        Path pauseSignal = tmp.resolve("paused");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "-javaagent:" + agent));
        command.addAll(jvmOptions);
        command.add("-Dconvnet.pause.signal=" + pauseSignal);
        command.add("dev.convnet.ConvNet");
        command.addAll(List.of(args));
        return new Child(new ProcessBuilder(command).redirectErrorStream(true).start(), pauseSignal);
    }

    /** SIGTERM, as a service manager sends it (Process.destroy would also close our pipe). */
    private static void kill(long pid) {
        try {
            new ProcessBuilder("kill", "-TERM", String.valueOf(pid)).start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
