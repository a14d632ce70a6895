package dev.convnet.app;

import dev.convnet.model.ModelFileException;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model whose weights are finite can still answer NaN: weights near float32's limit (3e38)
 * overflow in the first sum. Checked where a model is loaded or imported, before anyone is
 * answered, with a forward pass over a blank, a full and a noisy picture (pixels 0–1).
 */
final class FiniteOutputs {
    private static final long SEED = 784;

    private FiniteOutputs() {
    }

    /**
     * @param file named in the message
     * @param graph a network taking [N, 1, 28, 28] and giving [N, classes]
     * @throws ModelFileException when an output is NaN or infinite
     */
    static void check(Path file, ComputationGraph graph) {
        float[] pixels = new float[3 * 784];
        java.util.Arrays.fill(pixels, 784, 2 * 784, 1f);
        java.util.Random noise = new java.util.Random(SEED);
        for (int i = 2 * 784; i < pixels.length; i++) {
            pixels[i] = noise.nextFloat();
        }
        INDArray probe = Nd4j.create(pixels, new long[] {3, 1, 28, 28}, 'c');
        INDArray out = graph.outputSingle(false, probe);
        for (double value : out.dup().data().asDouble()) {
            if (!Double.isFinite(value)) {
                double largest = graph.params().amaxNumber().doubleValue();
                throw new ModelFileException(String.format(java.util.Locale.ROOT, "%s: the model answers %s for a test picture: "
                        + "its weights (the largest of magnitude %.3g) overflow float32; the file is damaged or was altered",
                        file, Double.isNaN(value) ? "NaN" : "an infinite value", largest));
            }
        }
    }
}
