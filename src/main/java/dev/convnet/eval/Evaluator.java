package dev.convnet.eval;

import dev.convnet.data.LabeledImages;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Evaluates a model on labelled images: loss, accuracy and the confusion matrix.
 *
 * <p>We compute these ourselves from the softmax output: DL4J's {@code Evaluation} rejects the
 * {@code [n, 1]} index labels that sparse cross-entropy uses. The loss clips probabilities at 1e-7
 * as Keras does, so the figures are comparable with the book's.
 */
public final class Evaluator {
    public static final int DEFAULT_BATCH = 256;
    private static final double KERAS_EPSILON = 1e-7;

    private final int batchSize;

    public Evaluator(int batchSize) {
        this.batchSize = batchSize;
    }

    public EvaluationResult evaluate(ComputationGraph graph, LabeledImages data) {
        int classes = (int) graph.getOutputLayer(0).getParam("b").length();
        long[][] confusion = new long[classes][classes];
        double lossSum = 0;
        int n = data.size();
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            INDArray features = data.images().get(NDArrayIndex.interval(start, end));
            float[][] probabilities = graph.outputSingle(false, features).toFloatMatrix();
            for (int i = 0; i < probabilities.length; i++) {
                int actual = data.classes()[start + i];
                lossSum -= Math.log(Math.max(probabilities[i][actual], KERAS_EPSILON));
                confusion[actual][argmax(probabilities[i])]++;
            }
        }
        return new EvaluationResult(n == 0 ? 0 : lossSum / n, confusion);
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
