package dev.convnet.app;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * What a training run has safely on disk at this moment, for the line printed when it is stopped
 * (at any moment, from a signal handler's thread): the final model, the last checkpoint, or only
 * the file it resumed from. Files are renamed into place whole, and these fields change under
 * {@link dev.convnet.model.ModelStore}'s write lock right after the rename, so each file named is
 * complete and none is missed.
 */
final class OnDisk {
    /** Before a run has opened its outputs. */
    static final OnDisk NOTHING = new OnDisk(null, null, 0);

    private final Path checkpoint;
    private final Path resumedFrom;
    private volatile int checkpointEpoch;
    private volatile Path model;

    /** {@code resumedFrom} is null for a new run; resuming from the checkpoint itself counts its epochs as kept. */
    OnDisk(Path checkpoint, Path resumedFrom, int epochsDone) {
        this.checkpoint = checkpoint;
        this.resumedFrom = resumedFrom;
        boolean fromCheckpoint = resumedFrom != null && checkpoint != null
                && resumedFrom.toAbsolutePath().normalize().equals(checkpoint.toAbsolutePath().normalize());
        this.checkpointEpoch = fromCheckpoint ? epochsDone : 0;
    }

    void checkpointed(int epoch) {
        checkpointEpoch = epoch;
    }

    void modelSaved(Path file) {
        model = file;
    }

    /** Whether the run's own checkpoint of at least one epoch is what it has on disk (no model saved yet). */
    boolean checkpointOnly() {
        return model == null && checkpointEpoch > 0;
    }

    /** Whether this run has anything of its own on disk: the model, or a checkpoint of at least one epoch. */
    boolean anything() {
        return model != null || checkpointEpoch > 0;
    }

    /** E.g. "the checkpoint after epoch 2 is kept in m.checkpoint.zip; resume with: convnet train --resume m.checkpoint.zip". */
    String describe(Function<Path, String> display) {
        if (model != null) {
            return "the model is saved whole in " + display.apply(model);
        }
        if (checkpointEpoch > 0) {
            return "the checkpoint after epoch " + checkpointEpoch + " is kept in " + display.apply(checkpoint)
                    + "; resume with: convnet train --resume " + display.apply(checkpoint);
        }
        if (resumedFrom != null) {
            return "no new epoch was saved; " + display.apply(resumedFrom) + ", which this run resumed from, is unchanged";
        }
        return "no epoch had finished, so nothing was saved";
    }
}
