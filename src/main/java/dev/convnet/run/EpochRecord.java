package dev.convnet.run;

/**
 * What one training epoch achieved: mean loss and accuracy over its batches, its wall time, and
 * the loss and accuracy on the validation images (NaN when there are none).
 */
public record EpochRecord(int epoch, double loss, double accuracy, double seconds, int steps,
                          double valLoss, double valAccuracy) {

    public EpochRecord(int epoch, double loss, double accuracy, double seconds, int steps) {
        this(epoch, loss, accuracy, seconds, steps, Double.NaN, Double.NaN);
    }

    public boolean hasValidation() {
        return !Double.isNaN(valLoss);
    }

    public EpochRecord withValidation(double loss, double accuracy) {
        return new EpochRecord(epoch, this.loss, this.accuracy, seconds, steps, loss, accuracy);
    }
}
