package dev.convnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.cli.InProcessCli;
import dev.convnet.model.ModelStore;
import dev.convnet.platform.NativeRuntime;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Keras files convnet cannot use get one clear line and exit 1, through every command that reads a model. */
class KerasBadInputTest {
    @TempDir
    Path tmp;

    @Test
    void unsupportedLayersAreNamed() throws IOException {
        Path average = rewriteConfig(KerasFixtures.file("book.keras"), tmp.resolve("average.keras"),
                "\"class_name\": \"MaxPooling2D\"", "\"class_name\": \"AveragePooling2D\"");
        assertFails("summary", average, "average.keras: unsupported Keras layers max_pooling2d (AveragePooling2D), "
                + "max_pooling2d_1 (AveragePooling2D); convnet builds Conv2D, MaxPooling2D, Flatten and Dense");
    }

    /**
     * A TensorFlow SavedModel directory (made by Keras 3's model.export) is named by every command,
     * with how to get a file convnet reads: saved again where it was built, since Keras 3 cannot load
     * it back; one written by Keras 2's model.save (it has keras_metadata.pb) is converted by Keras 2.
     */
    @Test
    void aSavedModelDirectorySaysWhatItIsAndHowToConvertIt() throws IOException {
        Path saved = KerasFixtures.file("savedmodel");
        String graphOnly = saved + ": a TensorFlow SavedModel directory (saved_model.pb, variables/: what tf.saved_model.save and "
                + "Keras 3's model.export write), not a Keras model file; it holds a TensorFlow graph, not Keras layers, and "
                + "Keras 3's load_model refuses it too: save the model where it was built with model.save(\"model.keras\") "
                + "and give convnet that file";
        for (String command : new String[] {"evaluate", "summary", "predict", "activations", "export"}) {
            InProcessCli.Run run = command.equals("export")
                    ? InProcessCli.run(command, saved.toString(), "-o", tmp.resolve("x.onnx").toString())
                    : null;
            if (run == null) {
                assertFails(command, saved, graphOnly);
            } else {
                assertEquals(1, run.exit(), run.err());
                assertTrue(run.err().contains("a TensorFlow SavedModel directory"), run.err());
            }
        }
        InProcessCli.Run imported = InProcessCli.run("import", saved.toString(), "-o", tmp.resolve("m.zip").toString());
        assertEquals(1, imported.exit(), imported.err());
        assertTrue(imported.err().contains("model.save(\"model.keras\")"), imported.err());
        assertTrue(!imported.err().contains("not found"), imported.err());

        Path keras2 = tmp.resolve("keras2-savedmodel");
        Files.createDirectories(keras2.resolve("variables"));
        Files.copy(saved.resolve("saved_model.pb"), keras2.resolve("saved_model.pb"));
        Files.write(keras2.resolve("keras_metadata.pb"), new byte[] {0x0a, 0x00}); // what Keras 2 adds beside the graph
        assertFails("summary", keras2, keras2 + ": a TensorFlow SavedModel directory written by Keras 2's model.save, not a "
                + "Keras model file; convert it with Keras 2: tf.keras.models.load_model(\"" + keras2 + "\").save(\"model.h5\") "
                + "(TensorFlow 2.15 or older; with the tf_keras package, tf_keras.models.load_model), then give convnet model.h5");
        // the graph file itself names its directory
        InProcessCli.Run pb = InProcessCli.run("summary", saved.resolve("saved_model.pb").toString());
        assertEquals(1, pb.exit(), pb.err());
        assertTrue(pb.err().contains("a TensorFlow SavedModel directory"), pb.err());
    }

    @Test
    void truncatedFilesSaySo() throws IOException {
        for (String name : new String[] {"book.keras", "book.h5"}) {
            byte[] whole = Files.readAllBytes(KerasFixtures.file(name));
            Path cut = tmp.resolve("cut-" + name);
            Files.write(cut, Arrays.copyOf(whole, whole.length / 3));
            assertFails("evaluate", cut, "damaged or truncated " + (name.endsWith(".keras") ? ".keras archive" : ""));
        }
        // a cut zip of another name is no .keras file
        byte[] keras = Files.readAllBytes(KerasFixtures.file("book.keras"));
        Path cutZip = Files.write(tmp.resolve("cut.zip"), Arrays.copyOf(keras, keras.length / 3));
        InProcessCli.Run imported = InProcessCli.run("import", cutZip.toString(), "-o", tmp.resolve("out.zip").toString());
        assertEquals(1, imported.exit(), imported.err());
        assertTrue(imported.err().contains(": damaged or truncated zip archive ("), imported.err());
    }

    @Test
    void anHdf5FileThatIsNoKerasModelSaysSo() {
        Path h5 = tmp.resolve("measurements.h5");
        try (WritableHdfFile hdf = HdfFile.write(h5)) {
            hdf.putDataset("temperatures", new float[] {20.5f, 21.0f});
        }
        assertFails("predict", h5, "measurements.h5: an HDF5 file but not a Keras model (no model_config");
        // Keras 3's save_weights layout (a "layers" group), as convnet's own .weights.h5 export writes it
        Path weights = tmp.resolve("book.weights.h5");
        try (WritableHdfFile hdf = HdfFile.write(weights)) {
            hdf.putGroup("layers").putDataset("values", new float[] {1f});
        }
        assertFails("predict", weights, "book.weights.h5: an HDF5 file of weights only, not a whole Keras model");
    }

    @Test
    void anInputThatIsNot28x28x1IsRefused() throws IOException {
        Path rgb = rewriteConfig(KerasFixtures.file("book.keras"), tmp.resolve("cifar.keras"),
                "\"batch_shape\": [null, 28, 28, 1]", "\"batch_shape\": [null, 32, 32, 3]");
        assertFails("activations", rgb, "cifar.keras: the model's input shape is (32, 32, 3); "
                + "convnet models take 28x28x1 greyscale images");
    }

    @Test
    void aFileThatIsNeitherZipNorHdf5SaysSo() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.h5"), "not a model\n");
        assertFails("evaluate", text, "notes.h5: not a Keras model file (neither a .keras archive nor an HDF5 .h5 file)");
    }

    @Test
    void weightsThatDoNotFitTheConfigAreRefusedBeforeReading() throws IOException {
        Path wide = rewriteConfig(KerasFixtures.file("book.keras"), tmp.resolve("wide.keras"),
                "\"filters\": 128", "\"filters\": 4000");
        assertFails("evaluate", wide, "wide.keras: the kernel of conv2d_2 has shape (3, 3, 64, 128) but its config needs (3, 3, 64, 4000)");
    }

    /** Cut and flipped-byte versions of real Keras files: only our own one-line error comes out, never a crash. */
    @Test
    void damagedFilesNeverEscapeAsAnythingButOurError() throws IOException {
        Random random = new Random(12);
        KerasReader reader = new KerasReader();
        int ours = 0;
        for (String name : new String[] {"book.keras", "book.h5", "strides2.h5", "book.keras2.h5"}) {
            byte[] whole = Files.readAllBytes(KerasFixtures.file(name));
            for (int i = 0; i < 60; i++) {
                byte[] bytes = i % 3 == 0 ? Arrays.copyOf(whole, random.nextInt(whole.length)) : whole.clone();
                if (i % 3 != 0) {
                    for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                        // most of an .h5 is weights: aim half the flips at the first 4 kB of structure
                        int at = random.nextBoolean() ? random.nextInt(Math.min(4096, bytes.length)) : random.nextInt(bytes.length);
                        bytes[at] = (byte) random.nextInt(256);
                    }
                }
                Path file = Files.write(tmp.resolve(i + "-" + name), bytes);
                try {
                    reader.read(file);
                } catch (InteropException e) {
                    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
                    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
                    ours++;
                }
            }
        }
        assertTrue(ours > 100, "only " + ours + " of 240 damaged files were refused");
    }

    @Test
    void exportNeedsAFormatItKnows() throws IOException {
        InProcessCli.Run run = InProcessCli.run("export", KerasFixtures.file("book.keras").toString(), "-o", tmp.resolve("book.txt").toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().startsWith("convnet export: name the output NAME.onnx, NAME.keras, NAME.h5 or NAME.weights.h5"), run.err());
        InProcessCli.Run mismatch = InProcessCli.run("export", KerasFixtures.file("book.keras").toString(), "--format", "h5", "-o",
                tmp.resolve("book.keras").toString());
        assertEquals(2, mismatch.exit(), mismatch.err());
        assertTrue(mismatch.err().startsWith("convnet export: --format h5 does not match the output's name book.keras"), mismatch.err());
    }

    /** A DL4J model that is not one of convnet's chains (a sigmoid convolution) is named, not half-written. */
    @Test
    void aNetworkConvnetCannotExportIsNamed() {
        NativeRuntime.start();
        ComputationGraph graph = new ComputationGraph(
                new NeuralNetConfiguration.Builder().graphBuilder()
                        .addInputs("input_1")
                        .setInputTypes(InputType.convolutional(28, 28, 1))
                        .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4)
                                .activation(Activation.SIGMOID).build(), "input_1")
                        .addLayer("dense", new OutputLayer.Builder(
                                LossFunction.SPARSE_MCXENT).nOut(10)
                                .activation(Activation.SOFTMAX).build(), "conv")
                        .setOutputs("dense").build());
        graph.init();
        Path model = tmp.resolve("sigmoid.zip");
        new ModelStore().save(graph, model);
        Path onnx = tmp.resolve("sigmoid.onnx");
        InProcessCli.Run run = InProcessCli.run("export", model.toString(), "-o", onnx.toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().startsWith("convnet export: error: " + model + ": convolution conv is not a square, "
                + "undilated ReLU convolution"), run.err());
        assertTrue(!Files.exists(onnx), "a refused export left a file");
    }

    private static void assertFails(String command, Path file, String message) {
        InProcessCli.Run run = command.equals("activations")
                ? InProcessCli.run(command, file.toString(), "--out", file.resolveSibling("act").toString())
                : command.equals("predict") ? InProcessCli.run(command, file.toString(), "--index", "0")
                : InProcessCli.run(command, file.toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("convnet " + command + ": error: "), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertTrue(!run.err().contains("Exception") && !run.err().contains("\tat "), run.err());
    }

    /** A copy of a .keras file with one piece of its config.json replaced. */
    private static Path rewriteConfig(Path source, Path target, String from, String to) throws IOException {
        try (ZipFile zip = new ZipFile(source.toFile()); OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().equals("config.json")) {
                    String config = new String(bytes, StandardCharsets.UTF_8);
                    assertTrue(config.contains(from), "config.json has no " + from);
                    bytes = config.replace(from, to).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return target;
    }
}
