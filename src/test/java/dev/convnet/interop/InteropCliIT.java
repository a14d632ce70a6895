package dev.convnet.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.convnet.TestData;
import dev.convnet.cli.InProcessCli;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The book's Keras model through the commands a user types: evaluate it, import it, fine-tune it, export it. */
class InteropCliIT {
    @TempDir
    Path tmp;

    @Test
    void evaluateReadsAKerasFileDirectlyAndScoresWhatKerasScored() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 10, KerasFixtures.IMAGES, false);
        float[][] keras = KerasFixtures.kerasPredictions("book");
        int[] labels = new MnistLoader(data).load(Split.TEST, 0).classes();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int j = 1; j < 10; j++) {
                best = keras[i][j] > keras[i][best] ? j : best;
            }
            correct += best == labels[i] ? 1 : 0;
        }
        for (String file : new String[] {"book.keras", "book.h5", "book.keras2.h5"}) {
            InProcessCli.Run run = InProcessCli.run("evaluate", KerasFixtures.file(file).toString(), "--data", data.toString());
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains(String.format(Locale.ROOT, "Test accuracy: %.3f", correct / 100.0)), run.out());
            assertTrue(run.out().contains("imported.sha256"), run.out());
        }
    }

    /**
     * A Keras model with Conv2D, BatchNormalization, ReLU and a Dropout (made by real Keras) is
     * imported with its BatchNormalization as layers and fine-tuned on the oneDNN engine; the
     * fine-tuned model keeps them, and Keras' momentum, in its summary and in a Keras export.
     */
    @Test
    void batchNormalizationAndDropoutAreFineTunedOnTheOneDnnEngine() throws Exception {
        FineTuned run = importFineTuneAndExport("batchnorm.keras");
        assertTrue(run.imported().contains("batch_normalization_1 (BatchNormalization)"), run.imported());
        assertTrue(run.imported().contains("dropout (Dropout)"), run.imported());
        // the one after the output Dense has no place in the graph: import says so on screen, naming it alone
        assertTrue(run.imported().contains("not trained as layers when fine-tuning: batch_normalization_2 into dense\n"),
                run.imported());
        assertTrue(run.kerasConfig().contains("\"class_name\":\"BatchNormalization\"") && run.kerasConfig().contains("\"momentum\":0.9"),
                run.kerasConfig());
        assertTrue(run.kerasConfig().contains("\"epsilon\":1.0E-5") || run.kerasConfig().contains("\"epsilon\":1e-05"), run.kerasConfig());
    }

    /**
     * BatchNormalization after the ReLU and after the pooling (batchnorm-after-relu), or on some
     * convolutions only (batchnorm-some): {@code import} keeps them as layers, its summary and run
     * record say so, {@code train --resume} fine-tunes them on the oneDNN engine, and the export
     * writes them where they are.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "batchnorm-after-relu.keras | batch-norm after-relu,after-pool",
        "batchnorm-some.keras | batch-norm before-relu,none,after-relu"})
    void batchNormalizationWhereKerasPutItIsFineTunedOnTheOneDnnEngine(String fixture, String placements) throws Exception {
        FineTuned run = importFineTuneAndExport(fixture);
        assertTrue(run.imported().contains(placements), run.imported());
        assertTrue(run.imported().contains("batch_normalization_1 (BatchNormalization)"), run.imported());
        assertTrue(run.summary().contains("batch_normalization_1 (BatchNormalization)"), run.summary());
        assertEquals(2, run.kerasConfig().split("\"class_name\":\"BatchNormalization\"").length - 1, run.kerasConfig());
        assertTrue(run.kerasConfig().contains("\"momentum\":0.9"), run.kerasConfig());
    }

    /** What importing a Keras fixture, one epoch of {@code train --resume} and its export printed and wrote. */
    private record FineTuned(String imported, String summary, String kerasConfig) {
    }

    /**
     * Imports {@code fixture}, fine-tunes it one epoch on 200 images (checking it ran on the oneDNN
     * engine), prints its summary (checking the run record says what import kept) and exports it.
     */
    private FineTuned importFineTuneAndExport(String fixture) throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 200, 100, false);
        Path model = tmp.resolve("bn.zip");
        InProcessCli.Run imported = InProcessCli.run("import", KerasFixtures.file(fixture).toString(), "-o", model.toString());
        assertEquals(0, imported.exit(), imported.err());
        assertFalse(imported.out().contains("It replaced"), imported.out());
        InProcessCli.Run over = InProcessCli.run("import", KerasFixtures.file(fixture).toString(), "-o", model.toString());
        assertEquals(0, over.exit(), over.err()); // saving over a model, as train does, says what went
        assertTrue(over.out().endsWith("It replaced the earlier model (not evaluated); next time -o NAME.zip keeps both.\n"), over.out());

        Path tuned = tmp.resolve("bn-tuned.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--resume", model.toString(), "--epochs", "1", "--data", data.toString(),
                "-o", tuned.toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().contains("\nEngine oneDNN;"), train.out());

        InProcessCli.Run summary = InProcessCli.run("summary", tuned.toString());
        assertEquals(0, summary.exit(), summary.err());
        assertTrue(summary.out().contains("imported.batch_norm"), summary.out());
        Path keras = tmp.resolve("bn-tuned.keras");
        InProcessCli.Run export = InProcessCli.run("export", tuned.toString(), "-o", keras.toString());
        assertEquals(0, export.exit(), export.err());
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(keras.toFile())) {
            return new FineTuned(imported.out(), summary.out(), new String(zip.getInputStream(zip.getEntry("config.json")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void anImportedModelFineTunesWithTrainResumeAndExports() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 200, 100, false);
        Path model = tmp.resolve("book.zip");
        InProcessCli.Run imported = InProcessCli.run("import", KerasFixtures.file("book.keras").toString(), "-o", model.toString(),
                "--lr", "0.0001");
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(imported.out().startsWith("Imported " + KerasFixtures.file("book.keras")
                + " (Keras 3.15.1 .keras, sha256 "), imported.out());
        assertTrue(imported.out().contains("Total params: 104,202"), imported.out());

        InProcessCli.Run again = InProcessCli.run("import", model.toString(), "-o", tmp.resolve("again.zip").toString());
        assertEquals(2, again.exit(), again.err());
        assertTrue(again.err().contains(model + " is already a convnet model: evaluate, predict, serve and train --resume read it"),
                again.err());

        InProcessCli.Run summary = InProcessCli.run("summary", model.toString());
        assertEquals(0, summary.exit(), summary.err());
        assertTrue(summary.out().contains("imported.sha256  " + KerasReader.sha256(KerasFixtures.file("book.keras"))),
                summary.out());
        assertTrue(summary.out().contains("imported.format  Keras 3.15.1 .keras"), summary.out());

        InProcessCli.Run limited = InProcessCli.run("train", "--resume", model.toString(), "--limit", "100", "--data", data.toString());
        assertEquals(2, limited.exit(), limited.err());
        assertTrue(limited.err().contains("--limit of a fine-tune is set when importing: convnet import KERAS_FILE --limit VALUE "
                + "-o MODEL.zip, then convnet train --resume MODEL.zip"), limited.err());

        Path tuned = tmp.resolve("tuned.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--resume", model.toString(), "--epochs", "1", "--data", data.toString(),
                "-o", tuned.toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().contains("on 200 mnist images, batch 64, lr 1.0E-4, seed 1"), train.out());
        Matcher accuracy = Pattern.compile("Test accuracy: ([0-9.]+)").matcher(train.out());
        assertTrue(accuracy.find(), train.out());
        assertTrue(Double.parseDouble(accuracy.group(1)) >= 0.95, "fine-tuning wrecked the model: " + train.out());

        Path onnx = tmp.resolve("tuned.onnx");
        InProcessCli.Run export = InProcessCli.run("export", tuned.toString(), "--format", "onnx", "-o", onnx.toString());
        assertEquals(0, export.exit(), export.err());
        assertTrue(export.out().startsWith("Wrote "), export.out());
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            assertEquals(OnnxWriter.INPUT, session.getInputNames().iterator().next());
        }
        InProcessCli.Run unnamed = InProcessCli.run("export", tuned.toString(), "--format", "onnx", "-o", tmp.resolve("plain").toString());
        assertEquals(0, unnamed.exit(), unnamed.err());
        assertTrue(Files.isRegularFile(tmp.resolve("plain.onnx")) && !Files.exists(tmp.resolve("plain")), "a name without an ending gets .onnx");
        InProcessCli.Run legacy = InProcessCli.run("export", tuned.toString(), "--format", "h5", "-o", tmp.resolve("legacy").toString());
        assertEquals(0, legacy.exit(), legacy.err());
        assertTrue(legacy.out().startsWith("Wrote " + tmp.resolve("legacy.h5") + " (legacy Keras HDF5, Keras "), legacy.out());
        assertEquals("convnet 32,64,128 k3 s1 valid", new KerasReader().read(tmp.resolve("legacy.h5")).architecture().describe());
        Path keras = tmp.resolve("tuned.keras");
        InProcessCli.Run kerasExport = InProcessCli.run("export", tuned.toString(), "-o", keras.toString());
        assertEquals(0, kerasExport.exit(), kerasExport.err());
        assertEquals("convnet 32,64,128 k3 s1 valid", new KerasReader().read(keras).architecture().describe());
        InProcessCli.Run weights = InProcessCli.run("export", tuned.toString(), "-o", tmp.resolve("tuned.weights.h5").toString());
        assertEquals(0, weights.exit(), weights.err());
        assertTrue(Files.size(tmp.resolve("tuned.weights.h5")) > 104_202 * 4, "weights file too small");

        // an earlier export of the format is replaced and said; a file of another kind is never lost
        InProcessCli.Run reexport = InProcessCli.run("export", tuned.toString(), "-o", onnx.toString());
        assertEquals(0, reexport.exit(), reexport.err());
        assertTrue(reexport.out().endsWith("It replaced the earlier ONNX file there; next time another -o keeps both.\n"), reexport.out());
        for (String name : new String[] {"notes.onnx", "notes.keras", "notes.h5"}) {
            Files.writeString(tmp.resolve(name), "my notes");
            InProcessCli.Run over = InProcessCli.run("export", tuned.toString(), "-o", tmp.resolve(name).toString());
            assertEquals(2, over.exit(), over.out());
            assertTrue(over.err().startsWith("convnet export: cannot save to " + tmp.resolve(name) + ": it is a file that is not "), over.err());
            assertEquals("my notes", Files.readString(tmp.resolve(name)));
        }
        // an HDF5 file that holds no Keras model (a dataset) is no earlier export either
        Path measurements = tmp.resolve("measurements.h5");
        try (io.jhdf.WritableHdfFile hdf = io.jhdf.HdfFile.write(measurements)) {
            hdf.putDataset("temperatures", new float[] {20.5f, 21.0f});
        }
        byte[] dataset = Files.readAllBytes(measurements);
        InProcessCli.Run overDataset = InProcessCli.run("export", tuned.toString(), "-o", measurements.toString());
        assertEquals(2, overDataset.exit(), overDataset.out());
        assertTrue(overDataset.err().contains(": it is a file that is not a Keras file, left as it is"), overDataset.err());
        assertArrayEquals(dataset, Files.readAllBytes(measurements));
        // earlier Keras exports, .keras and legacy .h5, are replaced and said
        for (Path earlier : new Path[] {keras, tmp.resolve("legacy.h5")}) {
            InProcessCli.Run overKeras = InProcessCli.run("export", tuned.toString(), "-o", earlier.toString());
            assertEquals(0, overKeras.exit(), overKeras.err());
            assertTrue(overKeras.out().endsWith("It replaced the earlier Keras file there; next time another -o keeps both.\n"), overKeras.out());
        }
    }

    @Test
    void aKerasFileFineTunesDirectly() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 128, 100, false);
        Path tuned = tmp.resolve("from-h5.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--resume", KerasFixtures.file("strides2.h5").toString(), "--epochs", "1",
                "--data", data.toString(), "-o", tuned.toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().contains("on 128 mnist images, batch 64, lr 0.001, seed 1"), train.out());
        InProcessCli.Run summary = InProcessCli.run("summary", tuned.toString());
        assertTrue(summary.out().contains("imported.format  Keras 3.15.1 .h5"), summary.out());
        assertTrue(summary.out().contains("architecture     convnet 32,64 k3 s2 same"), summary.out());
    }
}
