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

    /**
     * Training ended without a final model: stopped (resumable from its checkpoint) or, when
     * {@code diverged}, a loss that was not finite. A run that ends with its model saves it after this
     * is not called.
     */
    default void unfinished(boolean diverged) {
    }

    /** Every one of {@code listeners}, in order (the console first, then logs and pages). */
    static TrainingListener all(java.util.List<TrainingListener> listeners) {
        java.util.List<TrainingListener> each = java.util.List.copyOf(listeners);
        return each.size() == 1 ? each.get(0) : new TrainingListener() {
            @Override
            public void started(TrainingStart start) {
                each.forEach(l -> l.started(start));
            }

            @Override
            public void epochStarted(int epoch, int epochs, int steps) {
                each.forEach(l -> l.epochStarted(epoch, epochs, steps));
            }

            @Override
            public void batchFinished(int step, double meanLoss, double meanAccuracy) {
                for (TrainingListener l : each) {
                    l.batchFinished(step, meanLoss, meanAccuracy);
                }
            }

            @Override
            public void epochFinished(EpochRecord record) {
                each.forEach(l -> l.epochFinished(record));
            }

            @Override
            public void restoredBestEpoch(int epoch, boolean stoppedEarly) {
                each.forEach(l -> l.restoredBestEpoch(epoch, stoppedEarly));
            }

            @Override
            public void unfinished(boolean diverged) {
                each.forEach(l -> l.unfinished(diverged));
            }
        };
    }

    /** Adapts a plain progress listener (a progress bar, a test recorder). */
    static TrainingListener of(ProgressListener progress) {
        return new WithProgress(progress);
    }

    /** Passes every step and epoch to a progress listener and ignores the start; a front end adds what it shows more. */
    class WithProgress implements TrainingListener {
        private final ProgressListener progress;

        public WithProgress(ProgressListener progress) {
            this.progress = progress;
        }

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
    }
}
