package dev.convnet.engine;

/** One layer of a plain chain, as the oneDNN engine runs it. */
sealed interface LayerSpec {
    /** The DL4J layer name, used to find its parameters. */
    String name();

    /** Convolution with ReLU, no padding ("valid"), square kernel and stride. */
    record Conv(String name, int filters, int kernel, int stride) implements LayerSpec {
    }

    /** Max pooling without padding. */
    record MaxPool(String name, int kernel, int stride) implements LayerSpec {
    }

    /** The softmax output layer: a fully connected layer over the flattened input. */
    record Dense(String name, int outputs) implements LayerSpec {
    }
}
