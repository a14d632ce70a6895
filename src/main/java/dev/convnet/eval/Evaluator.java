package dev.convnet.eval;

import dev.convnet.data.LabeledImages;
import dev.convnet.engine.Backend;
import dev.convnet.engine.Engine;
import dev.convnet.engine.Metrics;
import java.nio.FloatBuffer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Evaluates a model on labelled images: loss, accuracy and the confusion matrix.
 *
 * <p>We compute these ourselves from the softmax output: DL4J's {@code Evaluation} rejects the
 * {@code [n, 1]} index labels that sparse cross-entropy uses. Loss and argmax are
 * {@link Metrics}', so the figures are comparable with the book's and with training's.
 */
public final class Evaluator {
    public static final int DEFAULT_BATCH = 256;

    private final int batchSize;
    private final Engine engine;
    private final dev.convnet.engine.Precision precision;

    public Evaluator(int batchSize, Engine engine) {
        this(batchSize, engine, dev.convnet.engine.Precision.FP32);
    }

    /** Evaluates in {@code precision} (bf16: the oneDNN engine's convolutions and pooling in bfloat16). */
    public Evaluator(int batchSize, Engine engine, dev.convnet.engine.Precision precision) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.engine = engine;
        this.precision = precision;
    }

    public Evaluator(int batchSize) {
        this(batchSize, Engine.AUTO);
    }

    /** Evaluates {@code graph} on a backend of this evaluator's engine, opened for the purpose. */
    public EvaluationResult evaluate(ComputationGraph graph, LabeledImages data) {
        try (Backend backend = engine.openForInference(graph, Math.min(batchSize, Math.max(1, data.size())),
                precision)) {
            return evaluate(backend, data);
        }
    }

    /** Evaluates the network behind {@code backend}, in batches of this evaluator's size. */
    public EvaluationResult evaluate(Backend backend, LabeledImages data) {
        int classes = backend.classes();
        long[][] confusion = new long[classes][classes];
        int n = data.size();
        int[] predictedClasses = new int[n];
        double lossSum = 0;
        FloatBuffer pixels = data.pixels();
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            float[][] probabilities = backend.infer(pixels, start, end);
            for (int i = 0; i < probabilities.length; i++) {
                int actual = data.classes()[start + i];
                lossSum += Metrics.crossEntropy(probabilities[i][actual]);
                int predicted = Metrics.argmax(probabilities[i]);
                predictedClasses[start + i] = predicted;
                confusion[actual][predicted]++;
            }
        }
        return new EvaluationResult(n == 0 ? 0 : lossSum / n, confusion, predictedClasses);
    }
}
