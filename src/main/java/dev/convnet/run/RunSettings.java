package dev.convnet.run;

/**
 * How a run trains: what {@code train --resume} needs besides the data to go on exactly as it began.
 *
 * @param epochs the epochs of the whole run, done or not
 * @param seed seeds the weights and each epoch's shuffle
 * @param batch images per training step
 * @param learningRate the optimiser's learning rate
 * @param patience early stopping's patience in epochs, 0 for none
 * @param emaMomentum Keras' {@code ema_momentum} when the weights are averaged ({@code use_ema}), in
 *     (0, 1); 0 for none. Records without one read as 0.
 */
public record RunSettings(int epochs, long seed, int batch, double learningRate, int patience, double emaMomentum) {

    /** Settings of a run that does not average its weights. */
    public RunSettings(int epochs, long seed, int batch, double learningRate, int patience) {
        this(epochs, seed, batch, learningRate, patience, 0);
    }

    /** The same settings, to go on until epoch {@code total}. */
    public RunSettings withEpochs(int total) {
        return new RunSettings(total, seed, batch, learningRate, patience, emaMomentum);
    }

    /** Whether the run keeps a moving average of its weights and saves that as the model. */
    public boolean averagesWeights() {
        return emaMomentum > 0;
    }
}
