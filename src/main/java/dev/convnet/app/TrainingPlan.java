package dev.convnet.app;

import dev.convnet.engine.Engine;
import dev.convnet.engine.Precision;
import java.nio.file.Path;

/** A training run to do: a new one, or one resumed from a checkpoint or saved model. */
public sealed interface TrainingPlan {

    /** Where the model, checkpoint and history go. */
    OutputPaths outputs();

    Engine engine();

    /** The number format training runs in (bf16 only on the oneDNN engine). */
    Precision precision();

    /** Where the images are. */
    DataSource data();

    /**
     * A new run.
     *
     * @param command the command line that asked for it, for the run record
     */
    record Fresh(TrainingSettings settings, String command, DataSource data, Engine engine, Precision precision,
                 OutputPaths outputs) implements TrainingPlan {
    }

    /**
     * Continue the run saved in {@code from} with its own settings, up to {@code epochsTotal}
     * epochs in all (0: the total it was started with).
     */
    record Resumed(Path from, int epochsTotal, DataSource data, Engine engine, Precision precision, OutputPaths outputs)
            implements TrainingPlan {
        public Resumed {
            if (epochsTotal != 0) {
                TrainingSettings.checkEpochs(epochsTotal);
            }
        }
    }
}
