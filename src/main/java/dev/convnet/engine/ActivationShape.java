package dev.convnet.engine;

/** The activations of one image between two layers: channels × height × width. */
record ActivationShape(long channels, long height, long width) {
    long size() {
        return channels * height * width;
    }
}
