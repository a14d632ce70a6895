package dev.convnet.web;

import java.nio.file.Path;

/**
 * A model the server can serve, not yet opened: each server's inference worker opens it on its own
 * thread ({@link #open}), because an engine's plans run only on the thread that built them.
 */
public interface ModelSource {
    /** The model file as given, e.g. {@code models/mnist.zip}: its name is the model's default name. */
    Path file();

    /**
     * The model ready to classify, called on the thread that will alone use it, with every batch
     * size up to {@code maxBatch} ready to run.
     *
     * @throws IllegalArgumentException when the model does not take 28x28 greyscale images
     */
    Classifier open(int maxBatch);
}
