package dev.convnet.interop;

/**
 * One layer of the straight chain that convnet builds (listing 8-1 and its variants), in the terms
 * every format shares: Keras configs and ONNX graphs are written from these, and Keras configs are
 * read into them. Sides are square (MNIST's 28x28 and what follows from it).
 */
sealed interface ChainLayer {
    String name();

    /**
     * Conv2D with bias, with ReLU or linear (when BatchNormalization and an Activation follow).
     * {@code same} pads as TensorFlow does: the odd pixel goes bottom/right.
     */
    record Conv(String name, int inChannels, int filters, int kernel, int stride, boolean same, int inSide, int outSide,
                boolean relu) implements ChainLayer {
        /** Padding before (top/left); the rest of the total goes after. */
        int padBefore() {
            return same ? Math.max((outSide - 1) * stride + kernel - inSide, 0) / 2 : 0;
        }

        int padAfter() {
            return same ? Math.max((outSide - 1) * stride + kernel - inSide, 0) - padBefore() : 0;
        }
    }

    /** MaxPooling2D, 2x2, strides 2, valid. */
    record MaxPool(String name, int channels, int inSide, int outSide) implements ChainLayer {
    }

    /** Flatten of a {@code channels x side x side} map. */
    record Flatten(String name, int channels, int side) implements ChainLayer {
    }

    /**
     * BatchNormalization over the channels of a {@code channels x side x side} map, or over
     * {@code channels} features where {@code side} is 0 (after a Dense); Keras' momentum and epsilon.
     */
    record BatchNorm(String name, int channels, int side, double momentum, double epsilon) implements ChainLayer {
    }

    /**
     * A separate ReLU (Keras' Activation("relu")) on a {@code channels x side x side} map, or on
     * {@code channels} features where {@code side} is 0.
     */
    record Relu(String name, int channels, int side) implements ChainLayer {
    }

    /** Dropout of {@code rate} (Keras' rate: the probability to drop) on {@code features} values; the identity at inference. */
    record Dropout(String name, int features, double rate) implements ChainLayer {
    }

    /**
     * Dense with bias: ReLU inside the network (linear where a BatchNormalization and a ReLU follow),
     * softmax at its end.
     */
    record Dense(String name, int inputs, int units, boolean softmax, boolean linear) implements ChainLayer {
        Dense(String name, int inputs, int units, boolean softmax) {
            this(name, inputs, units, softmax, false);
        }
    }
}
