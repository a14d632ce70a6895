package dev.convnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.cli.InProcessCli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

class HyperparametersIT {
    @TempDir
    Path tmp;

    @Test
    void optimisersUseKerasDefaults() {
        RmsProp rms = (RmsProp) new Hyperparameters(Optimizer.RMSPROP, 0.001, 1).updater();
        assertEquals(0.9, rms.getRmsDecay());
        assertEquals(1e-7, rms.getEpsilon());
        Adam adam = (Adam) new Hyperparameters(Optimizer.ADAM, 0.001, 1).updater();
        assertEquals(0.9, adam.getBeta1());
        assertEquals(0.999, adam.getBeta2());
        assertEquals(1e-7, adam.getEpsilon());
        assertEquals(0.01, ((Sgd) new Hyperparameters(Optimizer.SGD, Optimizer.SGD.defaultLearningRate(), 1).updater())
                .getLearningRate());
        assertThrows(IllegalArgumentException.class, () -> Optimizer.fromId("lbfgs"));
    }

    @Test
    void adamAndSgdTrainThroughTheCli() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 640, 200, false);
        for (String optimizer : new String[] {"adam", "sgd"}) {
            InProcessCli.Run run = InProcessCli.run("train", "--optimizer", optimizer, "--epochs", "2", "--seed", "3",
                    "--data", data.toString(), "--output", tmp.resolve(optimizer + ".zip").toString());
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains("\nEngine DL4J"), "the oneDNN engine implements RMSprop only: " + run.out());
            InProcessCli.Run summary = InProcessCli.run("summary", tmp.resolve(optimizer + ".zip").toString());
            assertTrue(summary.out().contains("optimizer") && summary.out().contains(optimizer), summary.out());
        }
        assertEquals(2, InProcessCli.run("train", "--optimizer", "lbfgs").exit());
    }
}
