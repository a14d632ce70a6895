package dev.convnet.model;

/**
 * The settings that shape one network and its optimiser.
 *
 * @param learningRate RMSprop learning rate (Keras default 0.001)
 * @param seed seed for weight initialisation and shuffling
 */
public record Hyperparameters(double learningRate, long seed) {
    /** RMSprop's rho and epsilon as Keras defaults them (DL4J's own defaults differ: 0.95 and 1e-8). */
    public static final double RMSPROP_RHO = 0.9;
    public static final double RMSPROP_EPSILON = 1e-7;
    public static final double DEFAULT_LEARNING_RATE = 0.001;
}
