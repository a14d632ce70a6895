package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.ConvNet;
import dev.convnet.TestData;
import dev.convnet.data.ImageBombs;
import dev.convnet.model.ModelStore;
import dev.convnet.model.OutputLock;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import picocli.CommandLine;

/** Hostile inputs through the whole CLI: each ends in one line, the right exit code, and nothing lost. */
class HostileCliIT {
    @TempDir
    static Path tmp;
    static Path data;
    static Path model;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        data = TestData.subset(tmp.resolve("data"), 256, 100, false);
        model = tmp.resolve("m.zip");
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("ar-EG")); // digits of the run record must stay ASCII
        try {
            InProcessCli.Run train = InProcessCli.run("train", "--epochs", "1", "--seed", "3", "--data", data.toString(),
                    "--output", model.toString());
            assertEquals(0, train.exit(), train.err());
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void anArabicLocaleWritesAsciiDigitsIntoTheRunRecord() {
        String record = new ModelStore().readRunRecord(model);
        assertTrue(record.contains("run.architecture=convnet 32,64,128 k3 s1 valid"), record);
        assertFalse(record.chars().anyMatch(c -> c >= 0x0660 && c <= 0x0669), "no Arabic-Indic digits: " + record);
    }

    @Test
    void anImageBombIsRefusedAndTheOtherPicturesAreStillPredicted() throws IOException {
        BufferedImage digit = TestData.darkInkOnWhite(new float[784], 4, 10, 10, java.awt.Color.WHITE);
        Path good = tmp.resolve("good.png");
        ImageIO.write(digit, "png", good.toFile());
        Path bomb = Files.write(tmp.resolve("bomb.png"), ImageBombs.png(40_000, 40_000, 1 << 20));
        Path thin = Files.write(tmp.resolve("thin.png"), ImageBombs.png(1, 120_000_000, 8, 0, Long.MAX_VALUE)); // 233 kB
        Path junk = Files.writeString(tmp.resolve("junk.png"), "junk");
        InProcessCli.Run run = InProcessCli.run("predict", model.toString(), bomb.toString(), thin.toString(), good.toString(),
                junk.toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.out().startsWith(good.toString()), run.out());
        assertEquals(3, run.err().lines().count(), run.err());
        assertTrue(run.err().contains(thin + ": 1 x 120,000,000 pixels, a side more than the limit of 32,768 pixels;"), run.err());
        assertTrue(run.err().contains(bomb + ": 40,000 x 40,000 pixels, more than the limit"), run.err());
        assertTrue(run.err().contains(junk + ": not a PNG, JPEG, GIF or BMP image"), run.err());
    }

    @Test
    void aFailedWriteToStdoutIsAnError() {
        CommandLine cli = ConvNet.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void close() {
            }
        }));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, ConvNet.execute(cli, "summary"));
        assertTrue(err.toString().startsWith("convnet: error: could not write to standard output"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    /**
     * A reader that leaves the pipe ({@code convnet summary | head -1}, here a reader that closes it
     * before reading) ends convnet quietly with 141, as SIGPIPE ends a Unix tool: no error line.
     */
    @Test
    void aPipeWhoseReaderLeftEndsQuietly() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "dev.convnet.ConvNet", "summary").start();
        child.getInputStream().close(); // the reader is gone before convnet writes its first line
        String err = new String(child.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(141, child.exitValue(), err);
        assertTrue(err.isBlank(), "no error line for output nobody reads: " + err);
    }

    @Test
    void aMalformedRunRecordIsOneLineNamingTheValue() throws Exception {
        java.util.Map<String, byte[]> entries = dev.convnet.model.HostileModelAccess.entries(model);
        String record = new String(entries.get(ModelStore.RUN_RECORD), java.nio.charset.StandardCharsets.ISO_8859_1);
        entries.put(ModelStore.RUN_RECORD, record.replaceAll("(?m)^seed=.*$", "seed=banana").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path banana = dev.convnet.model.HostileModelAccess.write(tmp.resolve("banana.zip"), entries);
        for (String command : new String[] {"evaluate", "summary"}) {
            InProcessCli.Run run = command.equals("summary") ? InProcessCli.run(command, banana.toString())
                    : InProcessCli.run(command, banana.toString(), "--data", data.toString());
            assertEquals(1, run.exit(), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains(banana + ": malformed run record: seed is 'banana', not a number"), run.err());
        }
        InProcessCli.Run resume = InProcessCli.run("train", "--resume", banana.toString(), "--epochs", "2", "--data", data.toString(),
                "--output", tmp.resolve("b2.zip").toString());
        assertEquals(1, resume.exit(), resume.err());
        assertTrue(resume.err().contains("seed is 'banana'"), resume.err());
    }

    @Test
    void aRunRecordWithANonFiniteRateIsRefusedAndJsonNeverWritesNaN() throws Exception {
        java.util.Map<String, byte[]> entries = dev.convnet.model.HostileModelAccess.entries(model);
        String record = new String(entries.get(ModelStore.RUN_RECORD), java.nio.charset.StandardCharsets.ISO_8859_1);
        entries.put(ModelStore.RUN_RECORD, record.replaceAll("(?m)^lr=.*$", "lr=NaN").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path nan = dev.convnet.model.HostileModelAccess.write(tmp.resolve("nan-lr.zip"), entries);
        InProcessCli.Run run = InProcessCli.run("evaluate", nan.toString(), "--data", data.toString(), "--json");
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().contains("malformed run record: lr is NaN, out of range"), run.err());
        assertEquals("", run.out());
        assertEquals("{\n  \"accuracy\" : 0.5,\n  \"loss\" : null\n}", dev.convnet.report.Json.write(
                new java.util.TreeMap<>(java.util.Map.of("loss", Double.NaN, "accuracy", 0.5))).replace("\r", ""));
    }

    @Test
    void dataThatIsAFileSaysSo() throws IOException {
        Path file = Files.writeString(tmp.resolve("data.txt"), "x");
        InProcessCli.Run run = InProcessCli.run("evaluate", model.toString(), "--data", file.toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("dataset folder " + file + " is a file, not a folder"), run.err());
    }

    @Test
    void activationsKeepHostileLayerNamesInsideOutAndReportAnUnwritableOut() throws IOException {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("../../escaped", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.SPARSE_MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "../../escaped")
                .setOutputs("out").build());
        graph.init();
        Path hostile = tmp.resolve("hostile.zip");
        new ModelStore().save(graph, hostile);
        Path out = tmp.resolve("act/inner");
        InProcessCli.Run run = InProcessCli.run("activations", hostile.toString(), "--out", out.toString(), "--data", data.toString());
        assertEquals(0, run.exit(), run.err());
        try (var files = Files.list(out)) {
            assertEquals(java.util.List.of("01-____escaped.png"), files.map(f -> f.getFileName().toString()).toList());
        }
        assertFalse(Files.exists(tmp.resolve("escaped.png")) || Files.exists(tmp.resolve("act/escaped.png")));

        Path blocked = Files.writeString(tmp.resolve("a-file"), "x").resolve("sub");
        InProcessCli.Run unwritable = InProcessCli.run("activations", model.toString(), "--out", blocked.toString(), "--data", data.toString());
        assertEquals(2, unwritable.exit(), "a usage error, before any work: " + unwritable.err());
        assertEquals(1, unwritable.err().lines().filter(l -> !l.startsWith("Try '")).count(), unwritable.err());
        assertTrue(unwritable.err().contains("--out " + blocked + ": " + blocked.getParent() + " is a file, not a folder"), unwritable.err());
        assertFalse(unwritable.err().contains("\tat "), "no stack trace");
    }

    @Test
    void aSecondTrainingToTheSameOutputIsRefused() {
        Path target = tmp.resolve("busy.zip");
        try (OutputLock held = new ModelStore().lock(target)) {
            InProcessCli.Run second = InProcessCli.run("train", "--epochs", "1", "--data", data.toString(), "--output", target.toString());
            assertEquals(1, second.exit());
            assertTrue(second.err().contains("another convnet train is writing " + target), second.err());
        }
        assertFalse(Files.exists(target));
    }

    @Test
    void outputsThatAreNotRegularFilesOrHaveLongNamesAreRefusedUpFront() {
        InProcessCli.Run device = InProcessCli.run("train", "--epochs", "1", "--data", data.toString(), "--output", "/dev/null");
        assertEquals(2, device.exit());
        assertTrue(device.err().contains("/dev/null: it exists and is not a regular file"), device.err());
        InProcessCli.Run longName = InProcessCli.run("train", "--epochs", "1", "--data", data.toString(),
                "--output", tmp.resolve("m".repeat(241) + ".zip").toString());
        assertEquals(2, longName.exit());
        assertTrue(longName.err().contains("the name is too long"), longName.err());
    }
}
