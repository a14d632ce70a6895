package dev.convnet.web;

import dev.convnet.app.LoadedModel;
import dev.convnet.app.Prediction;
import dev.convnet.app.Predictor;
import dev.convnet.engine.Engine;
import dev.convnet.report.Json;
import dev.convnet.run.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@link Classifier} over a loaded model, through the application's {@link Predictor} (our
 * oneDNN engine where the network allows it, DL4J otherwise).
 *
 * <p>The oneDNN engine builds its primitives once per batch size. Batches are therefore padded up
 * to the next power of two, so at most log2(maxBatch)+1 plans exist, all built while warming up
 * before the server reports healthy; padding costs at most one extra half batch of compute.
 */
public final class PredictorClassifier implements Classifier {
    private final ExecutorService modelThread;
    private final Predictor predictor;
    private final ModelInfo info;
    private final int maxBatch;

    private PredictorClassifier(ExecutorService modelThread, Predictor predictor, ModelInfo info, int maxBatch) {
        this.modelThread = modelThread;
        this.predictor = predictor;
        this.info = info;
        this.maxBatch = maxBatch;
    }

    /**
     * A classifier for {@code model} on {@code engine}, with every batch size the server will use
     * warmed up.
     *
     * @throws IllegalArgumentException when the model does not take 28x28 greyscale images
     */
    public static PredictorClassifier open(LoadedModel model, Engine engine, int maxBatch) {
        return open(model, engine, maxBatch, dev.convnet.engine.Precision.FP32);
    }

    /** As above, inferring in {@code precision}. */
    public static PredictorClassifier open(LoadedModel model, Engine engine, int maxBatch, dev.convnet.engine.Precision precision) {
        // The oneDNN engine's plans crash the JVM when run from a thread other than the one that
        // built them (seen after the speed merge): one thread owns the predictor from start to close.
        ExecutorService modelThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "convnet-model");
            t.setDaemon(true);
            return t;
        });
        Predictor predictor;
        try {
            predictor = on(modelThread, () -> new Predictor(model, model.trainedOn().classNames(), engine, bucket(maxBatch), precision));
        } catch (RuntimeException e) {
            modelThread.shutdownNow();
            throw e;
        }
        if (predictor.inputShape().pixels() != PIXELS) {
            on(modelThread, () -> {
                predictor.close();
                return null;
            });
            modelThread.shutdownNow();
            throw new IllegalArgumentException(model.file() + " takes " + predictor.inputShape()
                    + " images; the server prepares 28x28 greyscale ones");
        }
        double accuracy = model.record().map(r -> r.provenance().outcome().test()).map(Outcome.TestFigures::accuracy)
                .orElse(Double.NaN);
        Map<String, Object> run = model.record().map(Json::run).orElse(Map.of());
        // Only the file's name: a server does not tell its callers where its files live.
        ModelInfo info = new ModelInfo(model.file().getFileName().toString(), model.trainedOn().id(),
                model.trainedOn().classNames(), model.graph().numParams(), accuracy, predictor.engine(), run);
        PredictorClassifier classifier = new PredictorClassifier(modelThread, predictor, info, maxBatch);
        classifier.warmUp();
        return classifier;
    }

    @Override
    public float[][] classify(float[] pixels, int count) {
        if (count < 1 || count > maxBatch || pixels.length != count * PIXELS) {
            throw new IllegalArgumentException("batch of " + count + " images with " + pixels.length + " floats");
        }
        int size = bucket(count);
        List<float[]> images = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            float[] image = new float[PIXELS];
            if (i < count) {
                System.arraycopy(pixels, i * PIXELS, image, 0, PIXELS);
            }
            images.add(image);
        }
        List<Prediction> predictions = on(modelThread, () -> predictor.predict(images));
        float[][] probabilities = new float[count][];
        for (int i = 0; i < count; i++) {
            probabilities[i] = predictions.get(i).probabilities();
        }
        return probabilities;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        on(modelThread, () -> {
            predictor.close();
            return null;
        });
        modelThread.shutdown();
    }

    /** Runs {@code work} on the model's thread and waits for it; its exceptions come back as they were. */
    private static <T> T on(ExecutorService thread, Callable<T> work) {
        try {
            return thread.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the model was working", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void warmUp() {
        for (int size = 1; size <= maxBatch; size = size * 2) {
            classify(new float[size * PIXELS], size);
        }
        classify(new float[maxBatch * PIXELS], maxBatch);
    }

    /** The smallest power of two that holds {@code count} images. */
    static int bucket(int count) {
        return Integer.highestOneBit(Math.max(1, count - 1)) << (count > 1 ? 1 : 0);
    }
}
