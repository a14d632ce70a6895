package dev.convnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.History;
import dev.convnet.run.ProgressListener;
import dev.convnet.platform.NativeRuntime;
import java.util.Arrays;
import java.util.Comparator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Validation split and early stopping follow Keras' semantics. */
class ValidationIT {
    private static LabeledImages data;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        data = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 400);
    }

    @Test
    void validationIsTheLastFractionBeforeShuffling() {
        LabeledImages.Parts parts = data.splitAt(300);
        assertEquals(300, parts.first().size());
        assertEquals(100, parts.rest().size());
        assertArrayEquals(Arrays.copyOfRange(data.classes(), 300, 400), parts.rest().classes());
        assertEquals(data.images().get(NDArrayIndex.interval(300, 400)), parts.rest().images());
        assertEquals(parts.rest().pixels().get(0), data.pixels().get(300 * 784));
    }

    @Test
    void earlyStoppingStopsAndKeepsTheBestEpoch() {
        LabeledImages.Parts parts = data.splitAt(200);
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.01, 4)); // a high rate overfits 200 images fast
        History history;
        try (Trainer trainer = new Trainer(graph, 32, 4, ProgressListener.SILENT)) {
            history = trainer.fit(parts.first(), parts.rest(), 1, 40, 2, record -> { });
        }
        assertTrue(history.isStoppedEarly(), "stopped before epoch 40");
        assertTrue(history.epochs().size() < 40);
        EpochRecord best = history.epochs().stream().min(Comparator.comparingDouble(EpochRecord::valLoss)).orElseThrow();
        assertEquals(best.epoch(), history.restoredEpoch());
        EpochRecord last = history.epochs().get(history.epochs().size() - 1);
        assertEquals(best.epoch() + 2, last.epoch(), "patience 2: two epochs without improvement");
        // The model now holds the best epoch's weights: its validation loss is that epoch's.
        assertEquals(best.valLoss(), new Evaluator(256).evaluate(graph, parts.rest()).loss(), 1e-6);
    }

    @Test
    void everyEpochReportsValidationMetrics() {
        LabeledImages.Parts parts = data.splitAt(320);
        try (Trainer trainer = new Trainer(ConvNetModel.create(new Hyperparameters(0.001, 2)), 64, 2, ProgressListener.SILENT)) {
            History history = trainer.fit(parts.first(), parts.rest(), 1, 2, 0, record -> { });
            assertTrue(history.epochs().stream().allMatch(EpochRecord::hasValidation));
            assertTrue(history.toCsv().startsWith("epoch,loss,accuracy,seconds,val_loss,val_accuracy\n"));
            assertEquals(0, history.restoredEpoch(), "without early stopping the last weights stay");
        }
    }
}
