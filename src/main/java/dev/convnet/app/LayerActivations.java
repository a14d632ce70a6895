package dev.convnet.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The feature maps of every convolution and pooling layer for one image, as the book's chapter 9
 * shows them. They come from DL4J's forward pass, the only one that keeps every layer's output;
 * the class the model predicts comes from {@link Predictor}, so it is the engine's answer.
 */
public final class LayerActivations {
    private LayerActivations() {
    }

    /** In network order; empty when the model has no convolution or pooling layers. */
    public static List<FeatureMaps> of(LoadedModel model, float[] image) {
        ComputationGraph graph = model.graph();
        var shape = model.inputShape();
        INDArray input = Nd4j.create(image, new long[] {1, shape.channels(), shape.height(), shape.width()}, 'c');
        Map<String, INDArray> activations = graph.feedForward(input, false);
        List<FeatureMaps> result = new ArrayList<>();
        for (String name : graph.getConfiguration().getTopologicalOrderStr()) {
            GraphVertex vertex = graph.getVertex(name);
            if (vertex == null || !vertex.hasLayer()) {
                continue;
            }
            Layer conf = vertex.getLayer().conf().getLayer();
            if (!(conf instanceof ConvolutionLayer) && !(conf instanceof SubsamplingLayer)) {
                continue;
            }
            INDArray a = activations.get(name); // [1, channels, h, w]
            int channels = (int) a.size(1);
            int h = (int) a.size(2);
            int w = (int) a.size(3);
            float[][] maps = new float[channels][];
            for (int c = 0; c < channels; c++) {
                maps[c] = a.get(NDArrayIndex.point(0), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all())
                        .dup('c').reshape((long) h * w).toFloatVector();
            }
            result.add(new FeatureMaps(name, conf instanceof ConvolutionLayer ? "Conv2D" : "MaxPooling2D", h, w, maps));
        }
        return result;
    }
}
