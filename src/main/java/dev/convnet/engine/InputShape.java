package dev.convnet.engine;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The images a network takes, NCHW without the batch dimension.
 *
 * @param channels 1 for greyscale
 */
public record InputShape(int channels, int height, int width) {
    /** The side of MNIST-format images, the only size a convolution-first DL4J graph can be assumed to take. */
    public static final int MNIST_SIDE = 28;

    public InputShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    /** Floats per image. */
    public int pixels() {
        return channels * height * width;
    }

    /**
     * The input shape the graph was built for. A Flatten on the input records it in full; a first
     * convolution records only its channels (DL4J keeps no input size in a saved configuration),
     * so its height and width are MNIST's, the data every convnet model is trained on.
     */
    public static InputShape of(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        String input = conf.getNetworkInputs().get(0);
        for (String name : conf.getTopologicalOrderStr()) {
            if (!conf.getVertexInputs().getOrDefault(name, java.util.List.of()).contains(input)) {
                continue;
            }
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex instanceof PreprocessorVertex p && p.getPreProcessor() instanceof CnnToFeedForwardPreProcessor f) {
                return new InputShape((int) f.getNumChannels(), (int) f.getInputHeight(), (int) f.getInputWidth());
            }
            if (vertex instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof ConvolutionLayer conv) {
                return new InputShape((int) conv.getNIn(), MNIST_SIDE, MNIST_SIDE);
            }
        }
        return new InputShape(1, MNIST_SIDE, MNIST_SIDE);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
