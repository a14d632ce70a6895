package dev.convnet.app;

import dev.convnet.run.EpochRecord;
import dev.convnet.run.ProgressListener;

/**
 * What a front end sees of a training run as it goes: its start, every step and epoch (as
 * {@link ProgressListener}), and the test figures at the end. All methods run on the training thread.
 */
public interface TrainingListener extends ProgressListener {

    /** The network is built and the data loaded; the first step comes next. */
    void started(TrainingStart start);

    /** Early stopping or the best epoch's weights were restored (epoch &gt; 0) once training ended. */
    default void restoredBestEpoch(int epoch, boolean stoppedEarly) {
    }

    /** Adapts a plain progress listener (a progress bar, a test recorder). */
    static TrainingListener of(ProgressListener progress) {
        return new TrainingListener() {
            @Override
            public void started(TrainingStart start) {
            }

            @Override
            public void epochStarted(int epoch, int epochs, int steps) {
                progress.epochStarted(epoch, epochs, steps);
            }

            @Override
            public void batchFinished(int step, double meanLoss, double meanAccuracy) {
                progress.batchFinished(step, meanLoss, meanAccuracy);
            }

            @Override
            public void epochFinished(EpochRecord record) {
                progress.epochFinished(record);
            }
        };
    }
}
