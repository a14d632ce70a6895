package dev.convnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.run.ProgressListener;
import dev.convnet.platform.NativeRuntime;
import dev.convnet.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    private static ComputationGraph trained;
    private static LabeledImages test;

    @TempDir
    Path tmp;

    private final ModelStore store = new ModelStore();

    @BeforeAll
    static void train() {
        NativeRuntime.start();
        MnistLoader loader = new MnistLoader(TestData.mnist());
        trained = ConvNetModel.create(new Hyperparameters(0.001, 5));
        new Trainer(trained, 64, 5, ProgressListener.SILENT).fit(loader.load(Split.TRAIN, 1_000), 1);
        test = loader.load(Split.TEST, 500);
    }

    @Test
    void saveThenLoadGivesIdenticalPredictionsAndEvaluation() {
        Path file = tmp.resolve("model.zip");
        store.save(trained, file);
        ComputationGraph loaded = store.load(file);

        assertEquals(trained.params(), loaded.params());
        assertEquals(trained.getUpdater().getStateViewArray(), loaded.getUpdater().getStateViewArray());
        assertEquals(trained.outputSingle(false, test.images()), loaded.outputSingle(false, test.images()));
        EvaluationResult before = new Evaluator(256).evaluate(trained, test);
        EvaluationResult after = new Evaluator(256).evaluate(loaded, test);
        assertEquals(before.loss(), after.loss());
        assertArrayEquals(before.confusion(), after.confusion());
    }

    @Test
    void failedSaveLeavesTheEarlierModelAndNoTemporaryFile() throws IOException {
        Path file = tmp.resolve("model.zip");
        store.save(trained, file);
        byte[] original = Files.readAllBytes(file);
        Files.createDirectories(tmp.resolve("sub"));
        Files.writeString(tmp.resolve("sub/keep.txt"), "x");
        Path intoFolder = tmp.resolve("sub"); // a folder where the file should go: the move must fail
        assertThrows(ModelFileException.class, () -> store.save(trained, intoFolder));
        assertArrayEquals(original, Files.readAllBytes(file));
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count(), "only model.zip and sub/ remain");
        }
    }

    @Test
    void textThatIsNotAModelIsRejected() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.zip"), "not a model");
        ModelFileException e = assertThrows(ModelFileException.class, () -> store.load(file));
        assertTrue(e.getMessage().contains("notes.zip"), e.getMessage());
    }

    @Test
    void anOnnxFileIsNamedAsOneConvnetOnlyWrites() throws IOException {
        Path file = Files.write(tmp.resolve("book.onnx"), new byte[] {0x08, 0x07, 0x12, 0x04}); // protobuf, as ONNX files begin
        ModelFileException e = assertThrows(ModelFileException.class, () -> store.load(file));
        assertTrue(e.getMessage().endsWith("book.onnx is an ONNX file: convnet writes ONNX ('convnet export') but reads only its own"
                + " .zip models and Keras .keras and .h5 files; give the .zip it was exported from"), e.getMessage());
    }

    @Test
    void zipThatIsNotAModelIsRejected() throws IOException {
        Path file = tmp.resolve("photos.zip");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("holiday.txt"));
            zip.write("sun".getBytes());
        }
        ModelFileException e = assertThrows(ModelFileException.class, () -> store.load(file));
        assertTrue(e.getMessage().contains("photos.zip is a zip archive but not a convnet model"), e.getMessage());
    }

    @Test
    void modelForOtherDataIsRejected() {
        ComputationGraph fiveClasses = new ComputationGraph(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("in")
                .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(28, 28, 3))
                .addLayer("conv", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.SPARSE_MCXENT).nOut(5)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "conv")
                .setOutputs("out").build());
        fiveClasses.init();
        Path file = tmp.resolve("rgb.zip");
        store.save(fiveClasses, file);
        ModelFileException e = assertThrows(ModelFileException.class, () -> store.load(file));
        assertTrue(e.getMessage().contains("3-channel images") || e.getMessage().contains("5 classes"), e.getMessage());
    }

    @Test
    void fullDiskLeavesTheEarlierModelAndNoPartialFile() throws Exception {
        Path small = tmp.resolve("small-disk");
        Files.createDirectories(small);
        org.junit.jupiter.api.Assumptions.assumeTrue(mount(small), "needs root to mount a 300 kB tmpfs");
        try {
            Path model = small.resolve("model.zip");
            byte[] earlier = "an earlier model, 100 kB".repeat(4_000).getBytes();
            Files.write(model, earlier);
            ModelFileException e = assertThrows(ModelFileException.class, () -> store.save(trained, model));
            assertTrue(e.getMessage().contains("could not save") && e.getMessage().contains("unchanged"), e.getMessage());
            assertArrayEquals(earlier, Files.readAllBytes(model));
            try (var files = Files.list(small)) {
                assertEquals(1, files.count(), "only the earlier model remains");
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void readOnlyFolderIsCaughtBeforeTraining() throws Exception {
        Path readOnly = tmp.resolve("read-only");
        Files.createDirectories(readOnly);
        org.junit.jupiter.api.Assumptions.assumeTrue(mount(readOnly, "size=100k,ro"), "needs root to mount a read-only tmpfs");
        try {
            ModelFileException e = assertThrows(ModelFileException.class, () -> store.checkWritable(readOnly.resolve("m.zip")));
            assertTrue(e.getMessage().contains("is not writable"), e.getMessage());
        } finally {
            new ProcessBuilder("umount", readOnly.toString()).start().waitFor();
        }
    }

    private static boolean mount(Path dir) {
        return mount(dir, "size=300k");
    }

    private static boolean mount(Path dir, String options) {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void truncatedModelIsRejected() throws IOException {
        Path file = tmp.resolve("model.zip");
        store.save(trained, file);
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(tmp.resolve("cut.zip"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(ModelFileException.class, () -> store.load(cut));
    }

    @Test
    void unwritableTargetIsCaughtBeforeTraining() {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> store.checkWritable(tmp.resolve("missing/model.zip")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
