package dev.convnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.data.augment.Augmentation;
import dev.convnet.engine.Engine;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.History;
import dev.convnet.run.ProgressListener;
import dev.convnet.platform.NativeRuntime;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Training on augmented batches made on their own thread, on real MNIST images, on the oneDNN engine. */
class AugmentedTrainingIT {
    private static LabeledImages train;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        train = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 600); // 9 full batches and a short last one
    }

    private static INDArray train(Augmentation augmentation, long seed, int epochs) {
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.001, seed));
        try (Trainer trainer = new Trainer(graph, Engine.ONEDNN.open(graph, 64), new Evaluator(256, Engine.ONEDNN), 64, seed,
                ProgressListener.SILENT, augmentation)) {
            History history = trainer.fit(train, epochs);
            assertEquals(epochs, history.epochs().size());
            assertEquals(10, history.epochs().get(0).steps());
        }
        return graph.params().dup();
    }

    @Test
    void theSameSeedRepeatsAnAugmentedRunExactly() {
        Augmentation settings = Augmentation.parse("elastic=34");
        INDArray first = train(settings, 5, 1);
        INDArray second = train(settings, 5, 1);
        assertEquals(first, second);
        assertNotEquals(first, train(Augmentation.NONE, 5, 1), "augmentation changes what is learned");
    }
}
