package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.model.ModelStore;
import dev.convnet.run.RunState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training survives interruption: checkpoints, signals and an exact resume. */
class ResumeIT {
    @TempDir
    Path tmp;

    /** With --ema the checkpoint keeps the optimiser's weights beside their average, and the resumed run is exact too. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "--ema"})
    void twoEpochsThenResumeEqualsFourEpochsStraight(String ema) throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 1_000, 500, false);
        List<String> extra = ema.isEmpty() ? List.of() : List.of(ema);
        InProcessCli.Run straight = InProcessCli.run(args(extra, "train", "--epochs", "4", "--seed", "8", "--data", data.toString(),
                "--output", tmp.resolve("straight.zip").toString()));
        assertEquals(0, straight.exit(), straight.err());

        InProcessCli.Run firstHalf = InProcessCli.run(args(extra, "train", "--epochs", "2", "--seed", "8", "--data", data.toString(),
                "--output", tmp.resolve("half.zip").toString()));
        assertEquals(0, firstHalf.exit(), firstHalf.err());
        assertEquals(!ema.isEmpty(), entryNames(tmp.resolve("half.zip")).contains(ModelStore.TRAINING_WEIGHTS));
        if (!ema.isEmpty()) {
            assertTrue(straight.out().contains("EMA of the weights (momentum 0.99)"), straight.out());
            InProcessCli.Run changed = InProcessCli.run("train", "--resume", tmp.resolve("half.zip").toString(), "--epochs", "4",
                    "--no-ema", "--data", data.toString(), "--output", tmp.resolve("changed.zip").toString());
            assertEquals(2, changed.exit());
            assertTrue(changed.err().contains("--no-ema cannot be given when resuming"), changed.err());
        }
        InProcessCli.Run resumed = InProcessCli.run("train", "--resume", tmp.resolve("half.zip").toString(), "--epochs", "4",
                "--data", data.toString(), "--output", tmp.resolve("resumed.zip").toString());
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("Resuming at epoch 3"), resumed.out());

        assertEquals(metricLines(straight.out()).subList(2, 4), metricLines(resumed.out()));
        assertEquals(testFigures(straight.out()), testFigures(resumed.out()));
        assertEquals(lossAndAccuracy(tmp.resolve("straight.history.csv")), lossAndAccuracy(tmp.resolve("resumed.history.csv")));
        ModelStore store = new ModelStore();
        assertEquals(store.load(tmp.resolve("straight.zip")).params(), store.load(tmp.resolve("resumed.zip")).params());
        assertFalse(Files.exists(tmp.resolve("resumed.checkpoint.zip")), "checkpoint removed once the model is saved");
    }

    /**
     * train saves over its output model as Keras' model.save does; it says what it replaced, resuming
     * into itself says nothing, and a file that is not a model is never replaced.
     */
    @Test
    void trainingAgainToTheSameOutputSaysWhichModelItReplaced() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 500, 200, false);
        String model = tmp.resolve("same.zip").toString();
        InProcessCli.Run first = InProcessCli.run("train", "--epochs", "1", "--data", data.toString(), "--output", model);
        assertEquals(0, first.exit(), first.err());
        assertFalse(first.out().contains("replaced"), first.out());
        String accuracy = testFigures(first.out()).replaceAll("(?s).*Test accuracy: ", "");

        InProcessCli.Run second = InProcessCli.run("train", "--epochs", "2", "--data", data.toString(), "--output", model);
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().matches("(?s).*It replaced the earlier model \\(test accuracy " + accuracy.replace(".", "\\.")
                + ", saved \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\); next time -o NAME\\.zip keeps both\\..*"), second.out());
        InProcessCli.Run further = InProcessCli.run("train", "--resume", model, "--epochs", "3", "--data", data.toString(), "-o", model);
        assertEquals(0, further.exit(), further.err());
        assertTrue(further.out().contains("Saved model to ") && !further.out().contains("replaced"), further.out());

        Files.writeString(tmp.resolve("notes.zip"), "not a model");
        InProcessCli.Run overNotes = InProcessCli.run("train", "--epochs", "1", "--data", data.toString(), "--output",
                tmp.resolve("notes.zip").toString());
        assertEquals(2, overNotes.exit(), overNotes.out());
        assertEquals("convnet train: cannot save to " + tmp.resolve("notes.zip") + ": it is a file that is not a convnet model,"
                + " left as it is; choose another -o, or remove that file first", overNotes.err().lines().findFirst().orElseThrow());
        assertEquals("not a model", Files.readString(tmp.resolve("notes.zip")));
        Files.writeString(tmp.resolve("own.history.csv"), "my table");
        InProcessCli.Run overTable = InProcessCli.run("train", "--epochs", "1", "--data", data.toString(), "--output",
                tmp.resolve("own.zip").toString());
        assertEquals(2, overTable.exit(), overTable.out());
        assertTrue(overTable.err().startsWith("convnet train: cannot save to " + tmp.resolve("own.history.csv")
                + ": it is a file that is not a history table of convnet's"), overTable.err());
        assertEquals("my table", Files.readString(tmp.resolve("own.history.csv")));
        assertFalse(Files.exists(tmp.resolve("own.zip")));
    }

    @Test
    void sigtermStopsBetweenStepsAndKeepsTheLastCheckpoint() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 2_000, 200, false);
        Path model = tmp.resolve("m.zip");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "dev.convnet.ConvNet", "train", "--epochs", "500", "--seed", "1",
                "--data", data.toString(), "--output", model.toString())
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("Epoch 3/500")) {
                    // SIGTERM, as a service manager or `kill` sends (Process.destroy would also close our pipe)
                    new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start().waitFor();
                }
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = String.join("\n", lines);
        assertEquals(143, process.exitValue(), output);
        assertTrue(output.contains("resume with: convnet train --resume"), output);
        assertTrue(output.lines().anyMatch(l -> l.matches(".*resume with: convnet train --resume \\S*m\\.checkpoint\\.zip")),
                "the command ends the line, with no full stop to copy along: " + output);
        assertFalse(output.contains("\tat "), "no stack trace");
        assertFalse(Files.exists(model), "no final model from an interrupted run");

        Path checkpoint = tmp.resolve("m.checkpoint.zip");
        ModelStore store = new ModelStore();
        RunState state = RunState.fromText(store.readRunRecord(checkpoint));
        assertTrue(state.epochsDone() >= 2, "epochs done: " + state.epochsDone());
        assertEquals(state.epochsDone(), state.history().size());
        store.load(checkpoint); // loads whole: it was written atomically
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }

        // the line's own command, without -o, finishes the run where it was going: m.zip beside the checkpoint
        InProcessCli.Run resumed = InProcessCli.run("train", "--resume", checkpoint.toString(),
                "--epochs", String.valueOf(state.epochsDone() + 1), "--data", data.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("Saved model to ") && resumed.out().contains("m.zip, history"), resumed.out());
        store.load(model);
        assertFalse(Files.exists(checkpoint), "checkpoint removed once the model is saved");
    }

    @Test
    void resumeRefusesToChangeTheRunsSettings() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 320, 100, false);
        Path model = tmp.resolve("m.zip");
        assertEquals(0, InProcessCli.run("train", "--epochs", "1", "--seed", "2", "--data", data.toString(),
                "--output", model.toString()).exit());
        InProcessCli.Run changed = InProcessCli.run("train", "--resume", model.toString(), "--epochs", "2", "--batch", "32",
                "--data", data.toString(), "--output", model.toString());
        assertEquals(2, changed.exit());
        assertTrue(changed.err().contains("--batch cannot be given when resuming: the model's value is used"), changed.err());
        InProcessCli.Run done = InProcessCli.run("train", "--resume", model.toString(), "--data", data.toString(),
                "--output", model.toString());
        assertEquals(2, done.exit());
        // no --epochs given: not "must be larger", but that it is needed, with the total to give
        assertTrue(done.err().startsWith("convnet train: --epochs is needed: " + model + " has trained all its 1 epoch; "
                + "give the total to reach, e.g. --epochs 6"), done.err());
        InProcessCli.Run same = InProcessCli.run("train", "--resume", model.toString(), "--epochs", "1", "--data", data.toString(),
                "--output", model.toString());
        assertEquals(2, same.exit());
        assertTrue(same.err().contains("--epochs must be larger: " + model + " has already finished 1 epoch"), same.err());
        InProcessCli.Run missing = InProcessCli.run("train", "--resume", tmp.resolve("none.zip").toString());
        assertEquals(2, missing.exit());
    }

    private static String[] args(List<String> extra, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, extra);
        return all.toArray(String[]::new);
    }

    private static List<String> entryNames(Path zip) throws java.io.IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            return z.stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }

    private static List<String> metricLines(String output) {
        List<String> lines = new ArrayList<>();
        Matcher m = Pattern.compile("loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}").matcher(output);
        while (m.find()) {
            lines.add(m.group());
        }
        return lines;
    }

    private static String testFigures(String output) {
        Matcher m = Pattern.compile("Test loss: \\S+\\RTest accuracy: \\S+").matcher(output);
        assertTrue(m.find(), output);
        return m.group();
    }

    private static List<String> lossAndAccuracy(Path historyCsv) throws Exception {
        return Files.readAllLines(historyCsv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }
}
