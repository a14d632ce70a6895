package dev.convnet.model;

import java.util.Locale;

/**
 * Where a BatchNormalization sits around one hidden weighted layer (a convolution, or the dense
 * model's hidden Dense), as Keras models place it. Ioffe and Szegedy (2015, section 3.2) normalise
 * before the nonlinearity; Kaggle's MNIST models as often write {@code Conv2D(activation="relu"),
 * BatchNormalization()}, after it, or put it after the pooling.
 */
public enum BatchNormPlacement {
    /** No BatchNormalization. */
    NONE("none"),
    /** Conv2D (linear) → BatchNormalization → ReLU: what {@code train --batch-norm} builds. */
    BEFORE_ACTIVATION("before-relu"),
    /** Conv2D (relu) → BatchNormalization, before the pooling if one follows. */
    AFTER_ACTIVATION("after-relu"),
    /** Conv2D (relu) → MaxPooling2D → BatchNormalization; only where a pooling follows the layer. */
    AFTER_POOLING("after-pool");

    private final String id;

    BatchNormPlacement(String id) {
        this.id = id;
    }

    /** How {@link Architecture#describe()} writes it, e.g. {@code after-relu}. */
    public String id() {
        return id;
    }

    /** The placement {@link #id()} names; IllegalArgumentException naming the ids for any other. */
    public static BatchNormPlacement fromId(String id) {
        for (BatchNormPlacement p : values()) {
            if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("no BatchNormalization placement '" + id + "'; one of none, before-relu, "
                + "after-relu, after-pool");
    }

    @Override
    public String toString() {
        return id;
    }
}
