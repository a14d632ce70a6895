package dev.convnet.web;

import dev.convnet.app.LoadedModel;
import dev.convnet.app.Predictor;
import dev.convnet.engine.Engine;
import dev.convnet.engine.Precision;
import dev.convnet.report.Json;
import dev.convnet.run.Outcome;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link Classifier} over a loaded model, through the application's {@link Predictor} (our
 * oneDNN engine where the network allows it, DL4J otherwise). Like the predictor, it belongs to
 * the thread that opened it: in the server, the model's {@link InferenceWorker}.
 */
public final class PredictorClassifier implements Classifier {
    private final Predictor predictor;
    private final ModelInfo info;

    private PredictorClassifier(Predictor predictor, ModelInfo info) {
        this.predictor = predictor;
        this.info = info;
    }

    /** {@code model} to be opened on {@code engine} by the thread that serves it. */
    public static ModelSource source(LoadedModel model, Engine engine) {
        return source(model, engine, Precision.FP32);
    }

    /** As above, inferring in {@code precision}. */
    public static ModelSource source(LoadedModel model, Engine engine, Precision precision) {
        return new ModelSource() {
            @Override
            public Path file() {
                return model.file();
            }

            @Override
            public Classifier open(int maxBatch) {
                return PredictorClassifier.open(model, engine, maxBatch, precision);
            }
        };
    }

    /**
     * A classifier for {@code model} on {@code engine}, for batches of up to {@code maxBatch}
     * images, used by the calling thread alone.
     *
     * @throws IllegalArgumentException when the model does not take 28x28 greyscale images
     */
    public static PredictorClassifier open(LoadedModel model, Engine engine, int maxBatch) {
        return open(model, engine, maxBatch, Precision.FP32);
    }

    /** As above, inferring in {@code precision}. */
    public static PredictorClassifier open(LoadedModel model, Engine engine, int maxBatch, Precision precision) {
        Predictor predictor = new Predictor(model, model.trainedOn().classNames(), engine, maxBatch, precision);
        if (predictor.inputShape().pixels() != PIXELS) {
            predictor.close();
            throw new IllegalArgumentException(model.file() + " takes " + predictor.inputShape()
                    + " images; the server prepares 28x28 greyscale ones");
        }
        double accuracy = model.record().map(r -> r.provenance().outcome().test()).map(Outcome.TestFigures::accuracy)
                .orElse(Double.NaN);
        // a Keras file holds no run: its record's settings are import's defaults, not facts about the file (as history --json)
        Map<String, Object> run = dev.convnet.interop.KerasReader.isKerasFile(model.file()) ? Map.of()
                : model.record().map(Json::run).orElse(Map.of());
        // Only the file's name: a server does not tell its callers where its files live.
        ModelInfo info = new ModelInfo(model.file().getFileName().toString(), model.trainedOn().id(),
                model.trainedOn().classNames(), model.graph().numParams(), accuracy, predictor.engine(), run);
        return new PredictorClassifier(predictor, info);
    }

    @Override
    public float[][] classify(float[] pixels, int count) {
        return predictor.probabilities(FloatBuffer.wrap(pixels), count); // no copy: the engine reads the caller's batch
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
