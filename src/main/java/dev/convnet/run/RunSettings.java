package dev.convnet.run;

/**
 * How a run trains: what {@code train --resume} needs besides the data to go on exactly as it began.
 *
 * @param epochs the epochs of the whole run, done or not
 * @param seed seeds the weights and each epoch's shuffle
 * @param batch images per training step
 * @param learningRate the optimiser's learning rate
 * @param patience early stopping's patience in epochs, 0 for none
 */
public record RunSettings(int epochs, long seed, int batch, double learningRate, int patience) {

    /** The same settings, to go on until epoch {@code total}. */
    public RunSettings withEpochs(int total) {
        return new RunSettings(total, seed, batch, learningRate, patience);
    }
}
