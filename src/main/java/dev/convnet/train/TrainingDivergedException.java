package dev.convnet.train;

/** The loss became NaN or infinite: further steps would only destroy the weights. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
