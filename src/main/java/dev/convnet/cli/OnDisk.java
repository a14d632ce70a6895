package dev.convnet.cli;

import java.nio.file.Path;

/**
 * What a training run has safely on disk at this moment, for the line printed when it is stopped
 * (at any moment, from a signal handler's thread): the final model, the last checkpoint, or only
 * the file it resumed from. Files are renamed into place whole, so each one named here is complete.
 */
final class OnDisk {
    private final Path checkpoint;
    private final Path resumedFrom;
    private volatile int checkpointEpoch;
    private volatile Path model;

    /** {@code resumedFrom} is null for a new run; resuming from the checkpoint itself counts its epochs as kept. */
    OnDisk(Path checkpoint, Path resumedFrom, int epochsDone) {
        this.checkpoint = checkpoint;
        this.resumedFrom = resumedFrom;
        boolean fromCheckpoint = resumedFrom != null
                && resumedFrom.toAbsolutePath().normalize().equals(checkpoint.toAbsolutePath().normalize());
        this.checkpointEpoch = fromCheckpoint ? epochsDone : 0;
    }

    void checkpointed(int epoch) {
        checkpointEpoch = epoch;
    }

    void modelSaved(Path file) {
        model = file;
    }

    int checkpointEpoch() {
        return checkpointEpoch;
    }

    /** E.g. "the checkpoint after epoch 2 is kept in m.checkpoint.zip; resume with: convnet train --resume m.checkpoint.zip". */
    String describe() {
        if (model != null) {
            return "the model is saved whole in " + Locations.display(model);
        }
        if (checkpointEpoch > 0) {
            return "the checkpoint after epoch " + checkpointEpoch + " is kept in " + Locations.display(checkpoint)
                    + "; resume with: convnet train --resume " + Locations.display(checkpoint);
        }
        if (resumedFrom != null) {
            return "no new epoch was saved; " + Locations.display(resumedFrom) + ", which this run resumed from, is unchanged";
        }
        return "no epoch had finished, so nothing was saved";
    }

    /** {@link #describe()} as a sentence. */
    String sentence() {
        String text = describe();
        return Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".";
    }
}
