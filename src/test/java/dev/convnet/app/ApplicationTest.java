package dev.convnet.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.cli.InProcessCli;
import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.engine.Engine;
import dev.convnet.engine.EngineUnavailableException;
import dev.convnet.engine.InputShape;
import dev.convnet.engine.Metrics;
import dev.convnet.engine.Rounding;
import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelStore;
import dev.convnet.model.ModelType;
import dev.convnet.model.Optimizer;
import dev.convnet.model.Padding;
import dev.convnet.run.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application layer as the CLI and the server call it: a session, evaluation and prediction on one small model. */
class ApplicationTest {
    @TempDir
    static Path tmp;
    static Path data;
    static TrainingOutcome.Completed trained;
    static final ModelStore STORE = new ModelStore();

    @BeforeAll
    static void trainOneEpoch() throws IOException {
        data = TestData.subset(tmp.resolve("data"), 640, 200, false);
        TrainingSettings settings = new TrainingSettings(Architecture.BOOK, Optimizer.RMSPROP, 1, 64, 0.001, 12,
                Dataset.MNIST, 0, 0, 0);
        TrainingPlan plan = new TrainingPlan.Fresh(settings, "test", dataset -> new MnistLoader(data), Engine.AUTO, dev.convnet.engine.Precision.FP32,
                OutputPaths.forModel(tmp.resolve("m.zip")));
        trained = (TrainingOutcome.Completed) new TrainingSession(STORE, TrainingListener.of(ProgressListener.SILENT)).run(plan);
    }

    @Test
    void aSessionSavesTheModelItsHistoryAndChartAndDropsTheCheckpoint() {
        OutputPaths out = trained.outputs();
        assertEquals(tmp.resolve("m.history.csv"), out.historyCsv());
        assertEquals(tmp.resolve("m.checkpoint.zip"), out.checkpoint());
        assertTrue(Files.isRegularFile(out.model()) && Files.isRegularFile(out.historyCsv()) && Files.isRegularFile(out.historyChart()));
        assertFalse(Files.exists(out.checkpoint()), "the saved model replaces the checkpoint");
        assertEquals(1, trained.state().epochsDone());
        assertEquals("oneDNN", trained.state().provenance().software().engine());
        assertEquals(trained.test().accuracy(), trained.state().provenance().outcome().test().accuracy(), 1e-12);
        assertTrue(trained.state().provenance().software().dl4j().matches("\\d+\\.\\d+\\.\\d+.*"),
                trained.state().provenance().software().dl4j());
    }

    @Test
    void evaluationGivesTheFiguresTheSessionSawOnEitherEngine() {
        for (Engine engine : List.of(Engine.ONEDNN, Engine.DL4J)) {
            EvaluationOutcome outcome = new ModelEvaluation(new SavedModels(STORE)).run(new EvaluationPlan(
                    trained.outputs().model(), Optional.empty(), dataset -> new MnistLoader(data), engine, 64, Optional.empty()));
            assertEquals(Dataset.MNIST, outcome.dataset());
            // the engines sum in other orders: float32 rounding of the dense layer's 1,152-product sums
            assertEquals(trained.test().loss(), outcome.result().loss(), Rounding.ofMeanLoss(3 * 3 * 128, trained.test().loss()),
                    engine.id());
            assertEquals(200, outcome.result().total());
        }
    }

    @Test
    void predictionsAgreeAcrossEnginesAndRankLikeEvaluation() {
        LoadedModel model = new SavedModels(STORE).load(trained.outputs().model());
        LabeledImages test = new MnistLoader(data).load(Split.TEST, 0);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            images.add(test.image(i));
        }
        List<Prediction> fast;
        List<Prediction> reference;
        try (Predictor onednn = new Predictor(model, Dataset.MNIST.classNames(), Engine.ONEDNN, 8);
             Predictor dl4j = new Predictor(model, Dataset.MNIST.classNames(), Engine.DL4J, 8)) {
            assertEquals("oneDNN", onednn.engine());
            assertEquals(new InputShape(1, 28, 28), onednn.inputShape());
            fast = onednn.predict(images);
            reference = dl4j.predict(images);
            assertThrows(IllegalArgumentException.class, () -> onednn.predict(new float[10]));
        }
        assertEquals(20, fast.size());
        for (int i = 0; i < fast.size(); i++) {
            for (int c = 0; c < 10; c++) {
                assertEquals(reference.get(i).probabilities()[c], fast.get(i).probabilities()[c],
                        Rounding.ofSums(3 * 3 * 128, Rounding.FP32)); // probabilities ≤ 1 move with their logits' sums
            }
            Prediction p = fast.get(i);
            assertEquals(Metrics.argmax(p.probabilities()), p.best().index());
            assertEquals(String.valueOf(p.best().index()), p.best().label());
            assertTrue(p.top(3).get(0).probability() >= p.top(3).get(1).probability()
                    && p.top(3).get(1).probability() >= p.top(3).get(2).probability());
        }
    }

    @Test
    void theOneDnnEngineSaysWhyItCannotRunANetwork() throws IOException {
        ComputationGraph dense = ConvNetModel.create(new Architecture(ModelType.DENSE, List.of(32), 3, 1, Padding.VALID),
                new Hyperparameters(0.001, 1));
        assertEquals(new InputShape(1, 28, 28), InputShape.of(dense));
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class, () -> Engine.ONEDNN.open(dense, 16));
        assertTrue(e.getMessage().startsWith("the oneDNN engine cannot run this network: "), e.getMessage());
        try (var backend = Engine.AUTO.open(dense, 16)) {
            assertEquals("DL4J", backend.name());
        }

        Path model = tmp.resolve("dense.zip");
        STORE.save(dense, model);
        List<InProcessCli.Run> runs = List.of(
                InProcessCli.run("evaluate", model.toString(), "--engine", "onednn", "--data", data.toString()),
                InProcessCli.run("predict", model.toString(), "--index", "0", "--engine", "onednn", "--data", data.toString()),
                InProcessCli.run("activations", model.toString(), "--engine", "onednn", "--data", data.toString(),
                        "--out", tmp.resolve("act").toString()));
        List<String> commands = List.of("evaluate", "predict", "activations");
        for (int i = 0; i < runs.size(); i++) {
            InProcessCli.Run run = runs.get(i);
            String command = commands.get(i);
            assertEquals(2, run.exit(), run.err());
            assertTrue(run.err().startsWith("convnet " + command + ": --engine onednn: the oneDNN engine cannot run this network: "),
                    run.err());
        }
        // without --engine, it is --precision bf16 that asks for the oneDNN engine
        InProcessCli.Run bf16 = InProcessCli.run("evaluate", model.toString(), "--precision", "bf16", "--data", data.toString());
        assertEquals(2, bf16.exit(), bf16.err());
        assertTrue(bf16.err().startsWith("convnet evaluate: --precision bf16 needs the oneDNN engine, which cannot run this network (")
                || bf16.err().startsWith("convnet evaluate: --precision bf16 needs a CPU with AVX512_BF16"), bf16.err());
    }

    @Test
    void settingsOutOfRangeNameTheSetting() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> new TrainingSettings(
                Architecture.BOOK, Optimizer.RMSPROP, 1, 0, 0.001, 1, Dataset.MNIST, 0, 0, 0));
        assertEquals(Setting.BATCH, e.setting());
        assertEquals("must be between 1 and 60000, got 0", e.getMessage());
    }
}
