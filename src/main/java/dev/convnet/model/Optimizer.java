package dev.convnet.model;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/** The optimisers the book uses, with Keras' defaults for everything but the learning rate. */
public enum Optimizer {
    RMSPROP(0.001), ADAM(0.001), SGD(0.01);

    /** RMSprop's rho and epsilon as Keras defaults them (DL4J's own defaults differ: 0.95 and 1e-8). */
    public static final double RMSPROP_RHO = 0.9;
    public static final double KERAS_EPSILON = 1e-7;

    private final double defaultLearningRate;

    Optimizer(double defaultLearningRate) {
        this.defaultLearningRate = defaultLearningRate;
    }

    /** Keras' default learning rate of this optimiser. */
    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    /** The DL4J updater with the given learning rate. */
    public IUpdater updater(double learningRate) {
        return switch (this) {
            case ADAM -> new Adam(learningRate, 0.9, 0.999, KERAS_EPSILON);
            case SGD -> new Sgd(learningRate);
            case RMSPROP -> new RmsProp(learningRate, RMSPROP_RHO, KERAS_EPSILON);
        };
    }

    /** The name on the command line and in run records, e.g. {@code rmsprop}. */
    public String id() {
        return EnumIds.id(this);
    }

    public static Optimizer fromId(String id) {
        return EnumIds.fromId(values(), id, "unknown optimizer '" + id + "' (choose rmsprop, adam or sgd)");
    }
}
