package dev.convnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.platform.NativeRuntime;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code --dropout RATE} drops with Keras' rate (DL4J's DropoutLayer takes the probability to keep),
 * inverted: kept units are scaled by 1 / (1 - rate) while training, and nothing changes at inference.
 */
class DropoutTest {
    @Test
    void trainingDropsTheRateAndScalesTheRestInferenceDropsNothing() {
        NativeRuntime.start();
        Architecture arch = new Architecture(ModelType.CONVNET, List.of(8, 16), 3, 1, Padding.VALID, true, 0.25, false);
        ComputationGraph graph = ConvNetModel.create(arch, new Hyperparameters(0.001, 5));
        INDArray images = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 64, 1, 28, 28);
        // DL4J may apply dropout in place on its input: the reference is the inference pass, taken first
        INDArray before = graph.feedForward(new INDArray[] {images}, false).get("flatten").dup();
        INDArray after = graph.feedForward(new INDArray[] {images}, true).get(ConvNetModel.DROPOUT);
        long nonZero = 0;
        long dropped = 0;
        double maxScaleError = 0;
        for (long i = 0; i < before.length(); i++) {
            double x = before.getDouble(i);
            double y = after.getDouble(i);
            if (x != 0) {
                nonZero++;
                if (y == 0) {
                    dropped++;
                } else {
                    maxScaleError = Math.max(maxScaleError, Math.abs(y - x / 0.75) / (x / 0.75));
                }
            }
        }
        double rate = dropped / (double) nonZero;
        assertTrue(nonZero > 10_000, "too few active units: " + nonZero);
        assertTrue(Math.abs(rate - 0.25) < 0.02, "dropped " + rate + " of the units, not 0.25");
        assertTrue(maxScaleError < 1e-6, "kept units not scaled by 1 / 0.75: " + maxScaleError);
        Map<String, INDArray> inference = graph.feedForward(new INDArray[] {images}, false);
        assertEquals(inference.get("flatten"), inference.get(ConvNetModel.DROPOUT));
    }
}
