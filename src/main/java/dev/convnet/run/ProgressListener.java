package dev.convnet.run;

/** Receives training progress; the console progress bar is one implementation, tests can record. */
public interface ProgressListener {
    void epochStarted(int epoch, int epochs, int steps);

    /** After each step: the running means of loss and accuracy over the epoch so far. */
    void batchFinished(int step, double meanLoss, double meanAccuracy);

    void epochFinished(EpochRecord record);

    ProgressListener SILENT = new ProgressListener() {
        @Override
        public void epochStarted(int epoch, int epochs, int steps) {
        }

        @Override
        public void batchFinished(int step, double meanLoss, double meanAccuracy) {
        }

        @Override
        public void epochFinished(EpochRecord record) {
        }
    };
}
