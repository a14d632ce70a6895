package dev.convnet.app;

import dev.convnet.engine.Backend;
import dev.convnet.engine.Engine;
import dev.convnet.engine.InputShape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One loaded model answering "what is in these images?" on one engine's inference path: oneDNN
 * where it can run the network (as evaluation does), DL4J otherwise.
 *
 * <p><b>Not thread-safe:</b> it owns a {@link Backend}. A server holds one Predictor and calls it
 * from one worker thread, the thread that opened it (see {@link Backend}), passing the images of
 * concurrent requests to one {@link #predict(List)} call (one forward pass per {@code maxBatch} images).
 */
public final class Predictor implements AutoCloseable {
    private final Backend backend;
    private final List<String> classNames;
    private final int maxBatch;

    /**
     * @param classNames the names of the model's classes, e.g. the dataset's
     * @param maxBatch the most images one forward pass takes; larger calls are split
     * @throws dev.convnet.engine.EngineUnavailableException when {@code engine} cannot run the model
     */
    public Predictor(LoadedModel model, List<String> classNames, Engine engine, int maxBatch) {
        this(model, classNames, engine, maxBatch, dev.convnet.engine.Precision.FP32);
    }

    /** As above, inferring in {@code precision} (bf16 needs the oneDNN engine). */
    public Predictor(LoadedModel model, List<String> classNames, Engine engine, int maxBatch,
                     dev.convnet.engine.Precision precision) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.backend = engine.openForInference(model.graph(), maxBatch, precision);
        if (classNames.size() != backend.classes()) {
            backend.close();
            throw new IllegalArgumentException("the model predicts " + backend.classes() + " classes, "
                    + classNames.size() + " names given");
        }
        this.classNames = List.copyOf(classNames);
        this.maxBatch = maxBatch;
    }

    /** The engine that runs inference, e.g. {@code oneDNN}. */
    public String engine() {
        return backend.name();
    }

    /** The images the model takes: {@link InputShape#pixels()} floats in [0, 1] each. */
    public InputShape inputShape() {
        return backend.inputShape();
    }

    public Prediction predict(float[] image) {
        return predict(List.of(image)).get(0);
    }

    /** Predictions for {@code images}, in order, in forward passes of at most {@code maxBatch} images. */
    public List<Prediction> predict(List<float[]> images) {
        int pixels = inputShape().pixels();
        for (float[] image : images) {
            if (image.length != pixels) {
                throw new IllegalArgumentException("the model takes " + inputShape() + " images (" + pixels
                        + " values), got " + image.length);
            }
        }
        List<Prediction> out = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += maxBatch) {
            List<float[]> chunk = images.subList(from, Math.min(images.size(), from + maxBatch));
            FloatBuffer batch = FloatBuffer.allocate(chunk.size() * pixels);
            chunk.forEach(batch::put);
            for (float[] p : probabilities(batch, chunk.size())) {
                out.add(Prediction.of(p, classNames));
            }
        }
        return out;
    }

    /**
     * The class probabilities of the first {@code count} images of {@code images}, {@code [count][classes]},
     * in one forward pass and unranked: for a caller that ranks them itself, or needs no ranking.
     *
     * @param images {@link InputShape#pixels()} floats per image, image after image, from position 0
     * @throws IllegalArgumentException when {@code count} is outside 1..maxBatch or the buffer holds fewer images
     */
    public float[][] probabilities(FloatBuffer images, int count) {
        if (count < 1 || count > maxBatch || images.limit() < count * inputShape().pixels()) {
            throw new IllegalArgumentException("a batch of " + count + " images (at most " + maxBatch + ") in "
                    + images.limit() + " floats");
        }
        return backend.infer(images, 0, count);
    }

    @Override
    public void close() {
        backend.close();
    }
}
