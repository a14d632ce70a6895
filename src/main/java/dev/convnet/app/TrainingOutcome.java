package dev.convnet.app;

import dev.convnet.eval.EvaluationResult;
import dev.convnet.run.History;
import dev.convnet.run.RunState;
import java.nio.file.Path;
import java.util.Optional;

/** How a training run ended. */
public sealed interface TrainingOutcome {

    /**
     * Trained, evaluated on the test set and saved.
     *
     * @param state the run record saved with the model
     * @param history this session's epochs (a resumed run's earlier ones are in {@code state})
     * @param chartProblem why the history chart could not be drawn, if it could not (the rest is saved)
     */
    record Completed(RunState state, History history, EvaluationResult test, OutputPaths outputs,
                     Optional<String> chartProblem) implements TrainingOutcome {
    }

    /**
     * Stopped on request between two steps.
     *
     * @param kept the checkpoint that holds the last finished epoch, if one does
     */
    record Interrupted(int epoch, int step, RunState saved, Optional<Path> kept) implements TrainingOutcome {
    }

    /**
     * Stopped on request after the last epoch but before the final evaluation and save (the
     * request came during the last checkpoint's write or the evaluation): the checkpoint finishes
     * the run with {@code --resume}.
     */
    record StoppedBeforeSave(RunState saved, Optional<Path> kept) implements TrainingOutcome {
    }

    /** The loss became NaN or infinite; {@code reason} says where. */
    record Diverged(String reason, RunState saved, Optional<Path> kept) implements TrainingOutcome {
    }
}
