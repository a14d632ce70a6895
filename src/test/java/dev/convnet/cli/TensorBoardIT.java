package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --tensorboard}, read back by TensorBoard itself: scripts/tensorboard-reference.py
 * loads the event files with TensorBoard 2.21's EventAccumulator (the venv of scripts/reference-python)
 * and the figures it finds are compared with the history the same run printed.
 */
class TensorBoardIT {
    /** Parameters of listing 8-1's kernels, per layer: what each weight histogram must count. */
    private static final Map<String, Integer> KERNELS = Map.of("conv2d", 288, "conv2d_1", 18_432, "conv2d_2", 73_728,
            "dense", 11_520);

    @TempDir
    static Path tmp;
    static Path logs;
    static JsonNode validated;
    static JsonNode plain;
    static JsonNode board;

    /** Two real runs into one log folder: 480 images and a 120-image validation split for 2 epochs, then 600 for 1. */
    @BeforeAll
    static void trainTwoRuns() throws IOException, InterruptedException {
        Path data = TestData.subset(tmp.resolve("data"), 600, 100, false);
        logs = tmp.resolve("logs");
        validated = train("--epochs", "2", "--validation-split", "0.2", "-o", tmp.resolve("a.zip").toString(),
                "--tensorboard", logs.toString(), "--tensorboard-every", "3", "--data", data.toString());
        plain = train("--epochs", "1", "-o", tmp.resolve("b.zip").toString(), "--tensorboard", logs.toString(),
                "--data", data.toString());
        board = readWithTensorBoard(logs);
    }

    private static JsonNode train(String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", "--seed", "7", "--json"));
        args.addAll(List.of(options));
        InProcessCli.Run run = InProcessCli.run(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("tensorboard --logdir"), run.err());
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void everyRunIsARunWithKerasSubfolders() {
        List<String> runs = new ArrayList<>();
        board.fieldNames().forEachRemaining(runs::add);
        assertEquals(5, runs.size(), runs.toString());
        String a = runs.stream().filter(r -> r.matches("a-\\d{8}-\\d{6}")).findFirst().orElseThrow(() -> new AssertionError(runs));
        String b = runs.stream().filter(r -> r.matches("b-\\d{8}-\\d{6}")).findFirst().orElseThrow(() -> new AssertionError(runs));
        assertTrue(runs.containsAll(List.of(a + "/train", a + "/validation", b + "/train")), runs.toString());
    }

    @Test
    void epochFiguresEqualTheRunsHistory() {
        JsonNode train = run("a-", "/train");
        JsonNode validation = run("a-", "/validation");
        JsonNode history = validated.get("history");
        assertEquals(2, history.size());
        for (int e = 0; e < 2; e++) {
            JsonNode epoch = history.get(e);
            assertPoint(train, "epoch_loss", e, epoch.get("loss").asDouble());
            assertPoint(train, "epoch_accuracy", e, epoch.get("accuracy").asDouble());
            assertPoint(train, "epoch_seconds", e, epoch.get("seconds").asDouble());
            assertPoint(train, "epoch_learning_rate", e, 0.001);
            assertPoint(validation, "epoch_loss", e, epoch.get("val_loss").asDouble());
            assertPoint(validation, "epoch_accuracy", e, epoch.get("val_accuracy").asDouble());
        }
        assertPoint(run("b-", "/train"), "epoch_loss", 0, plain.get("history").get(0).get("loss").asDouble());
    }

    @Test
    void stepFiguresComeEveryNStepsOnTheGlobalStep() {
        // 480 images in batches of 64: 8 steps an epoch, 16 in all; every 3rd step is a point
        JsonNode loss = run("a-", "/train").get("scalars").get("batch_loss");
        List<Long> steps = new ArrayList<>();
        loss.forEach(p -> steps.add(p.get(0).asLong()));
        assertEquals(List.of(3L, 6L, 9L, 12L, 15L), steps);
        // by default every 50 steps: run b's 10 steps make no point
        assertFalse(run("b-", "/train").get("scalars").has("batch_loss"));
    }

    @Test
    void weightsAndLastUpdatesHaveHistogramsEveryEpoch() {
        JsonNode histograms = run("a-", "/train").get("histograms");
        KERNELS.forEach((layer, count) -> {
            for (String tag : List.of(layer + "/kernel/histogram", layer + "/kernel_update/histogram")) {
                JsonNode points = histograms.get(tag);
                assertTrue(points != null && points.size() == 2, tag + ": " + histograms.fieldNames());
                for (JsonNode h : points) {
                    assertEquals(count, h.get("num").asInt(), tag);
                    assertEquals(count, h.get("bucket_total").asInt(), tag);
                    assertTrue(h.get("min").asDouble() < h.get("max").asDouble(), tag + " " + h);
                }
            }
            assertTrue(histograms.has(layer + "/bias/histogram") && histograms.has(layer + "/bias_update/histogram"));
        });
        // an update is one RMSprop step of lr 0.001: far smaller than the weights it changes
        double update = histograms.get("dense/kernel_update/histogram").get(1).get("max").asDouble();
        double weight = histograms.get("dense/kernel/histogram").get(1).get("max").asDouble();
        assertTrue(update > 0 && update < weight / 10, update + " vs " + weight);
    }

    @Test
    void testDigitsRunRecordAndHyperparametersArePresent() {
        JsonNode images = run("a-", "/train").get("images").get("test_predictions");
        assertEquals(2, images.size());
        for (JsonNode i : images) {
            assertTrue(i.get("png").asBoolean() && i.get("width").asInt() > 5 * i.get("height").asInt(), i.toString());
        }
        JsonNode root = run("a-", "");
        JsonNode record = root.get("text").get("run_record");
        assertEquals(3, record.size()); // at the start and after each epoch
        assertTrue(record.get(2).asText().contains("epochs") && record.get(2).asText().contains("2 of 2"), record.toString());
        JsonNode h = root.get("hparams");
        assertEquals(0.001, h.get("learning_rate").asDouble(), 1e-12);
        assertEquals(64, h.get("batch_size").asInt());
        assertEquals(7, h.get("seed").asInt());
        assertEquals("rmsprop", h.get("optimizer").asText());
        assertEquals(0.2, h.get("validation_split").asDouble(), 1e-12);
        assertEquals(1, root.get("hparams_end_status").asInt()); // STATUS_SUCCESS
        assertTrue(root.get("hparams_group").asText().startsWith("a-"));
    }

    /**
     * A run stopped by SIGTERM is resumable, not over: its HParams session gets no end, as Keras'
     * callback writes none when fit is interrupted (it was marked STATUS_SUCCESS).
     */
    @Test
    void aStoppedRunLeavesItsHParamsSessionOpen() throws IOException, InterruptedException {
        Path data = TestData.subset(tmp.resolve("stop-data"), 2_000, 100, false);
        Path stopLogs = tmp.resolve("stop-logs");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "dev.convnet.ConvNet", "train", "--epochs", "500", "--seed", "1", "--data", data.toString(),
                "-o", tmp.resolve("stopped.zip").toString(), "--tensorboard", stopLogs.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("Epoch 2/500")) { // one epoch logged
                    new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start().waitFor();
                }
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output.toString());
        assertEquals(143, process.exitValue(), output.toString());
        JsonNode stopped = readWithTensorBoard(stopLogs);
        String root = stopped.fieldNames().next().replaceAll("/.*", "");
        JsonNode run = stopped.get(root);
        assertEquals(1, run.get("hparams").get("seed").asInt(), run.toString()); // the session started
        assertFalse(run.has("hparams_end_status"), run.toString());
    }

    /** TensorBoard stops reading a file at a record whose checksum is wrong: the records before it stay. */
    @Test
    void aCorruptedRecordIsSkippedAsTensorBoardSkipsIt() throws IOException, InterruptedException {
        Path original = eventFile(logs, "a-", "train");
        byte[] bytes = Files.readAllBytes(original);
        List<int[]> records = records(bytes);
        int second = -1; // the record of epoch 2's epoch_loss: the second record that names it
        int seen = 0;
        for (int i = 0; i < records.size() && second < 0; i++) {
            if (contains(bytes, records.get(i), "epoch_loss") && ++seen == 2) {
                second = i;
            }
        }
        assertTrue(second > 0, "no second epoch_loss record among " + records.size());
        byte[] corrupt = bytes.clone();
        int[] r = records.get(second);
        corrupt[r[0] + r[1] / 2] ^= 0x5a; // one byte inside the data: its CRC32C no longer matches
        Path copy = tmp.resolve("corrupt/run/train");
        Files.createDirectories(copy);
        Files.write(copy.resolve(original.getFileName()), corrupt);
        // and a file cut short in its last record, as a run killed mid-write leaves it
        Path cut = tmp.resolve("cut/run/train");
        Files.createDirectories(cut);
        Files.write(cut.resolve(original.getFileName()), java.util.Arrays.copyOf(bytes, bytes.length - 7));

        JsonNode intact = run("a-", "/train").get("scalars");
        JsonNode damaged = readWithTensorBoard(tmp.resolve("corrupt")).get("run/train").get("scalars");
        assertEquals(List.of(0L), steps(damaged.get("epoch_loss")));
        assertEquals(intact.get("epoch_loss").get(0), damaged.get("epoch_loss").get(0));
        assertEquals(steps(intact.get("batch_loss")), steps(damaged.get("batch_loss"))); // all before epoch 2's end
        assertEquals(List.of(0L), steps(damaged.get("epoch_accuracy"))); // after the damage: not read
        JsonNode shortened = readWithTensorBoard(tmp.resolve("cut")).get("run/train");
        assertEquals(steps(intact.get("epoch_loss")), steps(shortened.get("scalars").get("epoch_loss")));
        assertEquals(1, shortened.get("images").get("test_predictions").size()); // the last record, cut, is lost
    }

    /** Links named as the run's folder would be, for the next minute: none is followed, the run gets a folder of its own. */
    @Test
    void aLinkPlantedUnderTheRunsNameIsNotFollowed() throws IOException {
        Path data = TestData.subset(tmp.resolve("data-planted"), 64, 16, false);
        Path board = Files.createDirectories(tmp.resolve("planted"));
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        java.time.format.DateTimeFormatter name = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now();
        for (int s = -2; s < 90; s++) {
            Files.createSymbolicLink(board.resolve("p-" + name.format(now.plusSeconds(s))), victim);
        }
        InProcessCli.Run run = InProcessCli.run("train", "--epochs", "1", "-o", tmp.resolve("p.zip").toString(),
                "--tensorboard", board.toString(), "--data", data.toString());
        assertEquals(0, run.exit(), run.err());
        try (java.util.stream.Stream<Path> inVictim = Files.list(victim);
             java.util.stream.Stream<Path> runs = Files.list(board)) {
            assertEquals(0, inVictim.count(), "nothing written through a link");
            List<Path> real = runs.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
            assertEquals(1, real.size(), real.toString());
            assertTrue(real.get(0).getFileName().toString().matches("p-\\d{8}-\\d{6}-2"), real.toString());
        }
    }

    @Test
    void anUnwritableLogFolderIsAUsageError() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        InProcessCli.Run run = InProcessCli.run("train", "--tensorboard", file.toString(), "-o", tmp.resolve("c.zip").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("convnet train: --tensorboard " + file), run.err());
        assertFalse(Files.exists(tmp.resolve("c.zip")));
        InProcessCli.Run zero = InProcessCli.run("train", "--tensorboard", tmp.toString(), "--tensorboard-every", "0",
                "-o", tmp.resolve("c.zip").toString());
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--tensorboard-every must be at least 1"), zero.err());
    }

    @Test
    void optionsThatNeedAnotherAreUsageErrors() {
        InProcessCli.Run every = InProcessCli.run("train", "--tensorboard-every", "5", "-o", tmp.resolve("d.zip").toString());
        assertEquals(2, every.exit());
        assertTrue(every.err().startsWith("convnet train: --tensorboard-every needs --tensorboard"), every.err());
        InProcessCli.Run port = InProcessCli.run("train", "--port", "9000", "-o", tmp.resolve("d.zip").toString());
        assertEquals(2, port.exit());
        assertTrue(port.err().startsWith("convnet train: --port needs --live"), port.err());
        InProcessCli.Run badPort = InProcessCli.run("train", "--live", "--port", "70000", "-o", tmp.resolve("d.zip").toString());
        assertEquals(2, badPort.exit());
        assertTrue(badPort.err().startsWith("convnet train: --port must be between 0 and 65535"), badPort.err());
    }

    private static List<Long> steps(JsonNode points) {
        List<Long> steps = new ArrayList<>();
        points.forEach(p -> steps.add(p.get(0).asLong()));
        return steps;
    }

    private static void assertPoint(JsonNode run, String tag, int step, double expected) {
        JsonNode points = run.get("scalars").get(tag);
        assertTrue(points != null, tag + " missing: " + run.get("scalars").fieldNames());
        JsonNode point = points.get(step);
        assertEquals(step, point.get(0).asInt(), tag);
        // simple_value is a float32: TensorBoard must give back the history's value rounded to float, exactly
        assertEquals((double) (float) expected, point.get(1).asDouble(), 0.0, tag + " at step " + step);
    }

    private static JsonNode run(String prefix, String suffix) {
        for (Iterator<String> it = board.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.startsWith(prefix) && name.substring(prefix.length()).matches("\\d{8}-\\d{6}" + suffix)) {
                return board.get(name);
            }
        }
        throw new AssertionError("no run " + prefix + "*" + suffix + " in " + board.fieldNames());
    }

    private static Path eventFile(Path logs, String prefix, String sub) throws IOException {
        try (Stream<Path> files = Files.walk(logs)) {
            return files.filter(p -> p.getFileName().toString().contains("tfevents")
                            && p.getParent().getFileName().toString().equals(sub)
                            && p.getParent().getParent().getFileName().toString().startsWith(prefix))
                    .findFirst().orElseThrow();
        }
    }

    /** Each record's data as {offset, length}, by TFRecord's framing (8-byte length, 4-byte CRC, data, 4-byte CRC). */
    private static List<int[]> records(byte[] file) {
        List<int[]> records = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 12) {
            int length = (int) b.getLong();
            b.getInt();
            records.add(new int[] {b.position(), length});
            b.position(b.position() + length + 4);
        }
        return records;
    }

    private static boolean contains(byte[] file, int[] record, String text) {
        return new String(file, record[0], record[1], StandardCharsets.ISO_8859_1).contains(text);
    }

    private static JsonNode readWithTensorBoard(Path logdir) throws IOException, InterruptedException {
        String python = exec(List.of("scripts/reference-python")).strip();
        python = python.substring(python.lastIndexOf('\n') + 1);
        String json = exec(List.of(python, "scripts/tensorboard-reference.py", logdir.toString()));
        return new ObjectMapper().readTree(json.substring(json.indexOf('{')));
    }

    private static String exec(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(900, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in 900 s");
        }
        String text = Files.readString(out);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " failed (exit " + p.exitValue() + "): " + text);
        }
        return text;
    }
}
