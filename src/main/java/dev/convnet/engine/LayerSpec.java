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

    /** Convolution with ReLU, square kernel and stride; {@code same} pads as Keras and DL4J do. */
    record Conv(String name, int filters, int kernel, int stride, boolean same) implements LayerSpec {
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
}
