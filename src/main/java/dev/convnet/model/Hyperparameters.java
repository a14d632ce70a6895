package dev.convnet.model;

import java.util.Locale;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The optimiser and seed of one network.
 *
 * @param optimizer {@code rmsprop}, {@code adam} or {@code sgd}
 * @param learningRate the optimiser's learning rate
 * @param seed seed for weight initialisation and shuffling
 */
public record Hyperparameters(String optimizer, double learningRate, long seed) {
    /** RMSprop's rho and epsilon as Keras defaults them (DL4J's own defaults differ: 0.95 and 1e-8). */
    public static final double RMSPROP_RHO = 0.9;
    public static final double KERAS_EPSILON = 1e-7;
    public static final double DEFAULT_LEARNING_RATE = 0.001;

    public Hyperparameters {
        optimizer = optimizer.toLowerCase(Locale.ROOT);
        if (!optimizer.equals("rmsprop") && !optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "' (choose rmsprop, adam or sgd)");
        }
    }

    /** RMSprop with the given rate: the book's optimiser. */
    public Hyperparameters(double learningRate, long seed) {
        this("rmsprop", learningRate, seed);
    }

    /** Keras' default learning rate of an optimiser. */
    public static double defaultLearningRate(String optimizer) {
        return optimizer.equalsIgnoreCase("sgd") ? 0.01 : DEFAULT_LEARNING_RATE;
    }

    /** The DL4J updater, with Keras' defaults for everything but the learning rate. */
    public IUpdater updater() {
        return switch (optimizer) {
            case "adam" -> new Adam(learningRate, 0.9, 0.999, KERAS_EPSILON);
            case "sgd" -> new Sgd(learningRate);
            default -> new RmsProp(learningRate, RMSPROP_RHO, KERAS_EPSILON);
        };
    }
}
