package dev.convnet.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;

/**
 * A graph {@link ConvNetModel} builds, read as the straight chain it is: input → Conv2D /
 * BatchNormalization / ReLU / MaxPooling2D … → Flatten → Dropout / Dense … → softmax output, one
 * {@link Link} a vertex, each with the shape it takes and makes. This is the one walk over a
 * network's layers: the oneDNN engine maps it to what it runs, the Keras and ONNX exporters to what
 * they write, and each refuses in its own words what it does not handle (an {@link Other}, or a
 * setting of a layer it does not support). The walk itself refuses only what is not a chain.
 *
 * <p>Kinds are read by exact class, so a subclass (Deconvolution2D is a ConvolutionLayer) is an
 * {@link Other}. Shapes follow DL4J's rules for Truncate and Same modes, with padding and dilation
 * ({@link OutputSize}).
 *
 * @param input the images the graph takes, channels × height × width
 * @param links the vertices after the input, in order
 */
public record LayerChain(Planes input, List<Link> links) {

    public LayerChain {
        links = List.copyOf(links);
    }

    /** What flows between two layers of one image. */
    public sealed interface Shape permits Planes, Features {
        /** Floats per image. */
        long size();
    }

    /** Feature maps, NCHW without the batch dimension. */
    public record Planes(long channels, long height, long width) implements Shape {
        @Override
        public long size() {
            return channels * height * width;
        }
    }

    /** A flat vector of {@code count} features, after Flatten. */
    public record Features(long count) implements Shape {
        @Override
        public long size() {
            return count;
        }
    }

    /** One vertex of the chain: its name in the graph, and the shape it takes and the shape it makes. */
    public sealed interface Link permits Conv, MaxPool, BatchNorm, Activation, Flatten, Dropout, Dense, Output, Other {
        String name();

        Shape in();

        /** The shape it makes: the one it takes unless its kind changes it. */
        default Shape out() {
            return in();
        }

        /** The DL4J layer, or null where the vertex is not a plain layer (a Flatten, another vertex, a layer with its own preprocessor). */
        default Layer layer() {
            return null;
        }
    }

    /** A ConvolutionLayer (Conv2D). */
    public record Conv(String name, ConvolutionLayer layer, Planes in, Planes out) implements Link {
    }

    /** A SubsamplingLayer (MaxPooling2D when its pooling type is MAX). */
    public record MaxPool(String name, SubsamplingLayer layer, Planes in, Planes out) implements Link {
    }

    /** A BatchNormalization. */
    public record BatchNorm(String name, BatchNormalization layer, Shape in) implements Link {
    }

    /** An ActivationLayer (Keras' Activation("relu") when its function is ReLU). */
    public record Activation(String name, ActivationLayer layer, Shape in) implements Link {
    }

    /** A CnnToFeedForwardPreProcessor vertex; {@code recorded} is the map it was built for, which may differ from {@code in}. */
    public record Flatten(String name, Planes recorded, Shape in) implements Link {
        @Override
        public Features out() {
            return new Features(recorded.size());
        }
    }

    /** A DropoutLayer; the identity at inference. */
    public record Dropout(String name, DropoutLayer layer, Shape in) implements Link {
    }

    /** A DenseLayer (hidden). */
    public record Dense(String name, DenseLayer layer, Shape in, Features out) implements Link {
    }

    /** An OutputLayer: a dense layer with a loss. */
    public record Output(String name, OutputLayer layer, Shape in, Features out) implements Link {
    }

    /**
     * A vertex of no kind above (another layer, a layer with its own preprocessor, another vertex);
     * the shape it makes is unknown and written as the one it takes.
     */
    public record Other(String name, GraphVertex vertex, Shape in) implements Link {
        @Override
        public Layer layer() {
            return vertex instanceof LayerVertex lv && lv.getPreProcessor() == null ? lv.getLayerConf().getLayer() : null;
        }

        /** What it is, for a message: the layer's class name, or the vertex's. */
        public String kind() {
            return vertex instanceof LayerVertex lv ? lv.getLayerConf().getLayer().getClass().getSimpleName()
                    : vertex.getClass().getSimpleName();
        }
    }

    /** The graph is not a straight chain from one input to one output. */
    public static final class NotAChainException extends IllegalArgumentException {
        NotAChainException(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code conf} from its one input, of shape {@code input}, along the one vertex that reads
     * each vertex, to its one output.
     *
     * @throws NotAChainException naming the vertex where the graph has several inputs or outputs, branches or joins
     */
    public static LayerChain of(ComputationGraphConfiguration conf, Planes input) {
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new NotAChainException("the graph must have one input and one output, not "
                    + conf.getNetworkInputs().size() + " and " + conf.getNetworkOutputs().size());
        }
        List<Link> links = new ArrayList<>();
        Shape shape = input;
        String previous = conf.getNetworkInputs().get(0);
        for (String name = next(conf, previous); name != null; name = next(conf, previous)) {
            Link link = link(name, conf.getVertices().get(name), shape);
            links.add(link);
            shape = link.out();
            previous = name;
        }
        if (!previous.equals(conf.getNetworkOutputs().get(0))) {
            throw new NotAChainException("the chain ends at " + previous + ", not at the output "
                    + conf.getNetworkOutputs().get(0));
        }
        return new LayerChain(input, links);
    }

    /** The one vertex that reads {@code previous}, or null at the end. */
    private static String next(ComputationGraphConfiguration conf, String previous) {
        String reader = null;
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().contains(previous)) {
                if (reader != null) {
                    throw new NotAChainException("the graph branches after " + previous + " (" + reader + ", " + e.getKey()
                            + "): only straight chains are read");
                }
                reader = e.getKey();
            }
        }
        if (reader != null && conf.getVertexInputs().get(reader).size() != 1) {
            throw new NotAChainException("vertex " + reader + " has " + conf.getVertexInputs().get(reader).size()
                    + " inputs: only straight chains are read");
        }
        return reader;
    }

    private static Link link(String name, GraphVertex vertex, Shape in) {
        if (vertex instanceof PreprocessorVertex p && p.getPreProcessor() instanceof CnnToFeedForwardPreProcessor f
                && f.getClass() == CnnToFeedForwardPreProcessor.class) {
            return new Flatten(name, new Planes(f.getNumChannels(), f.getInputHeight(), f.getInputWidth()), in);
        }
        if (!(vertex instanceof LayerVertex lv) || lv.getPreProcessor() != null) {
            return new Other(name, vertex, in);
        }
        Layer layer = lv.getLayerConf().getLayer();
        Class<?> kind = layer.getClass();
        if (kind == ActivationLayer.class) {
            return new Activation(name, (ActivationLayer) layer, in);
        } else if (kind == BatchNormalization.class) {
            return new BatchNorm(name, (BatchNormalization) layer, in);
        } else if (kind == DropoutLayer.class) {
            return new Dropout(name, (DropoutLayer) layer, in);
        } else if (kind == DenseLayer.class) {
            return new Dense(name, (DenseLayer) layer, in, new Features(((DenseLayer) layer).getNOut()));
        } else if (kind == OutputLayer.class) {
            return new Output(name, (OutputLayer) layer, in, new Features(((OutputLayer) layer).getNOut()));
        } else if (in instanceof Planes planes && kind == ConvolutionLayer.class) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            return new Conv(name, c, planes, window(planes, c.getNOut(), c.getKernelSize(), c.getStride(), c.getPadding(),
                    c.getDilation(), c.getConvolutionMode()));
        } else if (in instanceof Planes planes && kind == SubsamplingLayer.class) {
            SubsamplingLayer s = (SubsamplingLayer) layer;
            return new MaxPool(name, s, planes, window(planes, planes.channels(), s.getKernelSize(), s.getStride(), s.getPadding(),
                    s.getDilation(), s.getConvolutionMode()));
        }
        return new Other(name, vertex, in);
    }

    /**
     * The maps a sliding window (a convolution or a pooling) makes of {@code in}, as DL4J computes
     * them: per axis {height, width}, a dilated kernel spans {@code (kernel - 1) * dilation + 1}.
     */
    private static Planes window(Planes in, long channels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                                 ConvolutionMode mode) {
        long[] sides = {in.height(), in.width()};
        for (int axis = 0; axis < 2; axis++) {
            int span = (kernel[axis] - 1) * dilation[axis] + 1;
            sides[axis] = OutputSize.convolution(sides[axis] + 2L * padding[axis], span, stride[axis], mode == ConvolutionMode.Same);
        }
        return new Planes(channels, sides[0], sides[1]);
    }
}
