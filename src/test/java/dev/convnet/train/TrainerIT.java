package dev.convnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.engine.Engine;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.History;
import dev.convnet.run.ProgressListener;
import dev.convnet.platform.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerIT {
    private static LabeledImages train;
    private static LabeledImages test;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        MnistLoader loader = new MnistLoader(TestData.mnist());
        train = loader.load(Split.TRAIN, 5_000);
        test = loader.load(Split.TEST, 2_000);
    }

    @Test
    void learnsMnistFromFiveThousandImages() {
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.001, 11));
        History history = new Trainer(graph, 64, 11, ProgressListener.SILENT).fit(train, 2);
        EvaluationResult result = new Evaluator(256).evaluate(graph, test);

        assertEquals(2, history.epochs().size());
        assertTrue(history.epochs().get(1).loss() < history.epochs().get(0).loss(), "loss falls");
        // 2 epochs on 5,000 images, seed 11: 0.95 on these 2,000 held-out test images when written.
        assertTrue(result.accuracy() >= 0.93, "held-out accuracy " + result.accuracy());
        assertTrue(result.loss() < 0.3, "held-out loss " + result.loss());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Engine.class, names = {"ONEDNN", "DL4J"})
    void sameSeedGivesIdenticalHistory(Engine engine) {
        LabeledImages small = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 640);
        assertEquals(run(small, 5, engine), run(small, 5, engine));
    }

    @Test
    void reportsEveryBatchWithRunningMeans() {
        List<Integer> steps = new ArrayList<>();
        ProgressListener recorder = new ProgressListener() {
            @Override
            public void epochStarted(int epoch, int epochs, int total) {
                assertEquals(10, total);
            }

            @Override
            public void batchFinished(int step, double meanLoss, double meanAccuracy) {
                steps.add(step);
                assertTrue(meanAccuracy >= 0 && meanAccuracy <= 1);
            }

            @Override
            public void epochFinished(EpochRecord record) {
                assertEquals(10, record.steps());
            }
        };
        LabeledImages small = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 600);
        new Trainer(ConvNetModel.create(new Hyperparameters(0.001, 3)), 64, 3, recorder).fit(small, 1);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), steps); // 9 full batches and one of 24
    }

    @Test
    void lossThatBecomesNanStopsTraining() {
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.001, 1));
        graph.getParam("dense_W").putScalar(0, Float.NaN); // as corrupted weights or an exploding step leave them
        LabeledImages small = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 256);
        try (Trainer trainer = new Trainer(graph, 64, 1, ProgressListener.SILENT)) {
            TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class,
                    () -> trainer.fit(small, 1));
            assertTrue(e.getMessage().contains("loss became NaN at epoch 1, step 1"), e.getMessage());
        }
    }

    private static List<String> run(LabeledImages data, long seed, Engine engine) {
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.001, seed));
        try (Trainer trainer = new Trainer(graph, 64, seed, ProgressListener.SILENT, engine)) {
            return trainer.fit(data, 2).epochs().stream().map(e -> e.loss() + "/" + e.accuracy()).toList();
        }
    }
}
