package dev.convnet.train;

/** Training stopped on request (Ctrl-C, SIGTERM) between two steps; the graph holds the last finished epoch. */
public final class TrainingInterruptedException extends RuntimeException {
    private final int epoch;
    private final int step;

    public TrainingInterruptedException(int epoch, int step) {
        super("training interrupted during epoch " + epoch + " after step " + step);
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }
}
