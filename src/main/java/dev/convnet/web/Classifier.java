package dev.convnet.web;

/**
 * What the server needs from a model, and nothing more: class probabilities for a batch of
 * prepared 28x28 images, and a description of the model. Keeping this narrow lets the server,
 * its batching and its tests stay the same whichever engine or loading code sits behind it.
 *
 * <p>Not thread-safe: a classifier is used only by the thread that opened it ({@link ModelSource#open}),
 * in the server its {@link InferenceWorker}.
 */
public interface Classifier extends AutoCloseable {
    /** Floats per prepared image: 28x28 greyscale in [0, 1], ink bright on black, row after row. */
    int PIXELS = 28 * 28;

    /**
     * The first {@code count} images of {@code pixels} ({@link #PIXELS} floats each, one after the
     * other; the array may hold more) → {@code [count][classes]} probabilities, in one forward pass.
     */
    float[][] classify(float[] pixels, int count);

    ModelInfo info();

    @Override
    void close();
}
