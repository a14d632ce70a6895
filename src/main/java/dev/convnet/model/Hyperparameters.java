package dev.convnet.model;

import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The optimiser and seed of one network.
 *
 * @param learningRate the optimiser's learning rate
 * @param seed seed for weight initialisation and shuffling
 */
public record Hyperparameters(Optimizer optimizer, double learningRate, long seed) {
    public static final double DEFAULT_LEARNING_RATE = Optimizer.RMSPROP.defaultLearningRate();

    /** RMSprop with the given rate: the book's optimiser. */
    public Hyperparameters(double learningRate, long seed) {
        this(Optimizer.RMSPROP, learningRate, seed);
    }

    /** The DL4J updater, with Keras' defaults for everything but the learning rate. */
    public IUpdater updater() {
        return optimizer.updater(learningRate);
    }
}
