package dev.convnet.engine;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Counts correct predictions of each training batch, as Keras' running {@code accuracy} does.
 *
 * <p>DL4J's training forward pass stops before the output layer, so we take the activations that
 * feed it and apply its weights ourselves: one 10-column matrix product, far cheaper than a second
 * forward pass. The argmax of the logits equals the argmax of the softmax.
 */
final class BatchAccuracy extends BaseTrainingListener {
    private final String outputInput;
    private int[] batchClasses;
    private int correct;

    BatchAccuracy(ComputationGraph graph) {
        String output = graph.getConfiguration().getNetworkOutputs().get(0);
        List<String> inputs = graph.getConfiguration().getVertexInputs().get(output);
        this.outputInput = inputs.get(0);
    }

    /** Sets the true classes of the batch about to be fitted. */
    void expect(int[] classes) {
        this.batchClasses = classes;
        this.correct = -1;
    }

    /** Correct predictions in the last fitted batch. */
    int correct() {
        return correct;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        ComputationGraph graph = (ComputationGraph) model;
        INDArray features = activations.get(outputInput);
        INDArray weights = graph.getOutputLayer(0).getParam("W");
        INDArray bias = graph.getOutputLayer(0).getParam("b");
        INDArray x = features.rank() == 2 ? features : features.reshape(features.size(0), weights.size(0));
        float[][] logits = x.mmul(weights).addiRowVector(bias).toFloatMatrix();
        int hits = 0;
        for (int i = 0; i < logits.length; i++) {
            if (Metrics.argmax(logits[i]) == batchClasses[i]) {
                hits++;
            }
        }
        correct = hits;
    }
}
