package dev.convnet.eval;

import dev.convnet.data.LabeledImages;
import dev.convnet.engine.OneDnnNetwork;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.Engine;
import java.nio.FloatBuffer;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Evaluates a model on labelled images: loss, accuracy and the confusion matrix.
 *
 * <p>We compute these ourselves from the softmax output: DL4J's {@code Evaluation} rejects the
 * {@code [n, 1]} index labels that sparse cross-entropy uses. The loss clips probabilities at 1e-7
 * as Keras does, so the figures are comparable with the book's. Inference runs on the oneDNN path
 * where the network allows it, on DL4J's {@code output} otherwise.
 */
public final class Evaluator {
    public static final int DEFAULT_BATCH = 256;
    private static final double KERAS_EPSILON = 1e-7;

    private final int batchSize;
    private final Engine engine;

    public Evaluator(int batchSize, Engine engine) {
        this.batchSize = batchSize;
        this.engine = engine;
    }

    public Evaluator(int batchSize) {
        this(batchSize, Engine.AUTO);
    }

    public EvaluationResult evaluate(ComputationGraph graph, LabeledImages data) {
        int classes = (int) graph.getOutputLayer(0).getParam("b").length();
        long[][] confusion = new long[classes][classes];
        int[] predictedClasses = new int[data.size()];
        double lossSum = 0;
        int n = data.size();
        Optional<OneDnnNetwork> net = engine == Engine.DL4J || !NativeRuntime.cpuBackend() ? Optional.empty()
                : OneDnnNetwork.of(graph, 1, 28, 28, Math.min(batchSize, Math.max(1, n)), new String[1]);
        FloatBuffer pixels = net.isPresent() ? data.pixels() : null;
        try {
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                float[][] probabilities = net.isPresent() ? net.get().predict(pixels, start, end)
                        : graph.outputSingle(false, data.images().get(NDArrayIndex.interval(start, end))).toFloatMatrix();
                for (int i = 0; i < probabilities.length; i++) {
                    int actual = data.classes()[start + i];
                    lossSum -= Math.log(Math.max(probabilities[i][actual], KERAS_EPSILON));
                    int predicted = argmax(probabilities[i]);
                    predictedClasses[start + i] = predicted;
                    confusion[actual][predicted]++;
                }
            }
        } finally {
            net.ifPresent(OneDnnNetwork::close);
        }
        return new EvaluationResult(n == 0 ? 0 : lossSum / n, confusion, predictedClasses);
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
