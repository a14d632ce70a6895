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
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.ProgressListener;
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
