package dev.convnet.engine;

import dev.convnet.model.OutputSize;

/**
 * One layer of a plain chain, as the oneDNN engine runs it. Each kind knows the shape it makes of
 * its input: the one place for the output-size arithmetic of convolutions and poolings.
 */
sealed interface LayerSpec {
    /** The DL4J layer name, used to find its parameters. */
    String name();

    /** The activations this layer makes of an input of shape {@code in}. */
    ActivationShape outputShape(ActivationShape in);

    /**
     * Convolution with square kernel and stride; {@code same} pads as Keras and DL4J do. {@code relu}:
     * followed by a ReLU (fused into it); false when a BatchNormalization follows, which applies it.
     */
    record Conv(String name, int filters, int kernel, int stride, boolean same, boolean relu) implements LayerSpec {
        /** A convolution with its ReLU, as listing 8-1 writes them. */
        Conv(String name, int filters, int kernel, int stride, boolean same) {
            this(name, filters, kernel, stride, same, true);
        }

        @Override
        public ActivationShape outputShape(ActivationShape in) {
            return new ActivationShape(filters, out(in.height()), out(in.width()));
        }

        /** Output side length for an input of side {@code in}. */
        long out(long in) {
            return OutputSize.convolution(in, kernel, stride, same);
        }

        /** Padding before (top/left) for an input of side {@code in}: half the total, rounded down. */
        long padBefore(long in) {
            return same ? OutputSize.samePaddingTotal(in, kernel, stride) / 2 : 0;
        }

        long padAfter(long in) {
            return same ? OutputSize.samePaddingTotal(in, kernel, stride) - padBefore(in) : 0;
        }
    }

    /** Max pooling without padding. */
    record MaxPool(String name, int kernel, int stride) implements LayerSpec {
        @Override
        public ActivationShape outputShape(ActivationShape in) {
            return new ActivationShape(in.channels(), out(in.height()), out(in.width()));
        }

        long out(long in) {
            return OutputSize.pooling(in, kernel, stride);
        }
    }

    /** The softmax output layer: a fully connected layer over the flattened input. */
    record Dense(String name, int outputs) implements LayerSpec {
        @Override
        public ActivationShape outputShape(ActivationShape in) {
            return new ActivationShape(outputs, 1, 1);
        }
    }

    /**
     * BatchNormalization over the channels of a map (Ioffe and Szegedy, 2015): in training the batch's
     * mean and (biased) variance over images and positions, and the moving statistics updated as Keras
     * does, {@code moving = momentum * moving + (1 - momentum) * batch}; in inference the moving ones.
     * {@code relu}: the ReLU after it is fused in (oneDNN's {@code fuse_norm_relu}).
     *
     * @param momentum Keras' momentum (DL4J's decay), e.g. 0.99
     * @param epsilon added to the variance, e.g. 0.001
     */
    record BatchNorm(String name, double momentum, double epsilon, boolean relu) implements LayerSpec {
        @Override
        public ActivationShape outputShape(ActivationShape in) {
            return in;
        }
    }

    /**
     * Inverted dropout with Keras' {@code rate} (the probability to drop a unit): in training each
     * value is kept with probability {@code 1 - rate} and scaled by {@code 1 / (1 - rate)}; the
     * identity in inference.
     */
    record Dropout(String name, double rate) implements LayerSpec {
        @Override
        public ActivationShape outputShape(ActivationShape in) {
            return in;
        }

        /** The value a kept unit is multiplied by, {@code 1 / (1 - rate)}, in float32 as the mask holds it. */
        float keptScale() {
            return (float) (1 / (1 - rate));
        }
    }
}
