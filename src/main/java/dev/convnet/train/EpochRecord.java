package dev.convnet.train;

/** What one training epoch achieved: mean loss and accuracy over its batches, and its wall time. */
public record EpochRecord(int epoch, double loss, double accuracy, double seconds, int steps) {
}
