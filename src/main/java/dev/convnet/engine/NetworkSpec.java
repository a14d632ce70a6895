package dev.convnet.engine;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * Reads a ComputationGraph as a chain the oneDNN engine can run: Conv2D (relu, or linear before a
 * BatchNormalization and its ReLU) and MaxPooling2D layers, a Flatten, Dropout layers, and a softmax
 * Dense output with sparse cross-entropy, all trained by RMSprop without regularisation. Anything
 * else is declined with a reason, and the caller trains with DL4J's own code instead.
 */
record NetworkSpec(int channels, int height, int width, List<LayerSpec> layers, RmsProp updater) {

    /** What {@link #of} read from a graph: the chain the engine runs, or why it cannot run it. */
    sealed interface Reading permits Supported, Unsupported {
    }

    /** The graph is a chain this engine runs. */
    record Supported(NetworkSpec spec) implements Reading {
    }

    /** The graph has something this engine does not run; {@code reason} says what, in one line. */
    record Unsupported(String reason) implements Reading {
    }

    /** The chain, or the reason it is not supported. */
    static Reading of(ComputationGraph graph, int channels, int height, int width) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            return new Unsupported("graph must have one input and one output");
        }
        List<LayerSpec> layers = new ArrayList<>();
        RmsProp updater = null;
        String previous = conf.getNetworkInputs().get(0);
        for (String name : conf.getTopologicalOrderStr()) {
            if (conf.getNetworkInputs().contains(name)) {
                continue;
            }
            List<String> inputs = conf.getVertexInputs().get(name);
            if (inputs == null || inputs.size() != 1 || !inputs.get(0).equals(previous)) {
                return new Unsupported("vertex " + name + " is not part of a simple chain");
            }
            previous = name;
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex instanceof PreprocessorVertex p && p.getPreProcessor() instanceof CnnToFeedForwardPreProcessor) {
                continue; // Flatten: the dense layer reads the 4-D activations directly
            }
            if (!(vertex instanceof LayerVertex lv) || lv.getPreProcessor() != null) {
                return new Unsupported("vertex " + name + " is not a plain layer");
            }
            Layer layer = lv.getLayerConf().getLayer();
            if (layer instanceof ActivationLayer a && a.getClass() == ActivationLayer.class) {
                // a separate ReLU: fused into the linear convolution or BatchNormalization before it
                LayerSpec last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
                if (!(a.getActivationFn() instanceof ActivationReLU)) {
                    return new Unsupported(name + ": only ReLU activation layers are supported");
                } else if (last instanceof LayerSpec.Conv c && !c.relu()) {
                    layers.set(layers.size() - 1, new LayerSpec.Conv(c.name(), c.filters(), c.kernel(), c.stride(), c.same(), true));
                } else if (last instanceof LayerSpec.BatchNorm b && !b.relu()) {
                    layers.set(layers.size() - 1, new LayerSpec.BatchNorm(b.name(), b.momentum(), b.epsilon(), true));
                } else {
                    return new Unsupported(name + ": a ReLU layer must follow a linear convolution or a BatchNormalization");
                }
                continue;
            }
            String problem = unsupported(layer);
            if (problem != null) {
                return new Unsupported(name + ": " + problem);
            }
            if (layer instanceof BatchNormalization && !(layers.isEmpty() ? null : layers.get(layers.size() - 1)
                    instanceof LayerSpec.Conv c && !c.relu())) {
                return new Unsupported(name + ": BatchNormalization is supported right after a linear convolution");
            }
            if (!layers.isEmpty() && layers.get(layers.size() - 1) instanceof LayerSpec.Conv c && !c.relu()
                    && !(layer instanceof BatchNormalization)) {
                return new Unsupported(name + ": a linear convolution must be followed by BatchNormalization or a ReLU");
            }
            if (layer instanceof BaseLayer base && !(layer instanceof DropoutLayer)) { // a Dropout layer has no parameters
                if (!(base.getIUpdater() instanceof RmsProp r)) {
                    return new Unsupported(name + ": only RMSprop is supported");
                }
                if (updater != null && !updater.equals(r)) {
                    return new Unsupported(name + ": layers use different optimiser settings");
                }
                updater = r;
            }
            layers.add(spec(name, layer));
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof LayerSpec.Dense)) {
            return new Unsupported("the last layer must be the softmax output");
        }
        for (int i = 0; i < layers.size() - 1; i++) {
            if (layers.get(i) instanceof LayerSpec.Dense) {
                return new Unsupported("only the output layer may be dense");
            }
        }
        return new Supported(new NetworkSpec(channels, height, width, List.copyOf(layers), updater));
    }

    private static String unsupported(Layer layer) {
        if (layer instanceof BaseLayer base && (!base.getRegularization().isEmpty() || !base.getRegularizationBias().isEmpty()
                || base.getGradientNormalization() != org.deeplearning4j.nn.conf.GradientNormalization.None)) {
            return "regularisation and gradient normalisation are not supported";
        }
        if (layer instanceof DropoutLayer d && d.getClass() == DropoutLayer.class) {
            // DL4J's p is the probability to keep a unit
            boolean plain = d.getIDropout() instanceof Dropout drop && drop.getClass() == Dropout.class
                    && drop.getPSchedule() == null && drop.getP() > 0 && drop.getP() <= 1;
            return plain ? null : "only plain inverted dropout (a fixed probability to keep) is supported";
        }
        if (layer.getIDropout() != null) {
            return "dropout on a layer's input is not supported (a Dropout layer is)";
        }
        if (layer instanceof BatchNormalization b && b.getClass() == BatchNormalization.class) {
            boolean ok = !b.isUseLogStd() && !b.isLockGammaBeta() && b.getActivationFn() instanceof ActivationIdentity
                    && b.getCnn2DFormat() == CNN2DFormat.NCHW && b.getEps() > 0 && b.getDecay() >= 0 && b.getDecay() <= 1;
            return ok ? null : "only BatchNormalization with learned gamma and beta, a plain moving variance (useLogStd false), "
                    + "a positive epsilon and no activation is supported";
        }
        if (layer instanceof ConvolutionLayer c && c.getClass() == ConvolutionLayer.class) {
            boolean square = c.getKernelSize()[0] == c.getKernelSize()[1] && c.getStride()[0] == c.getStride()[1];
            boolean valid = (c.getConvolutionMode() == ConvolutionMode.Truncate || c.getConvolutionMode() == ConvolutionMode.Same)
                    && c.getPadding()[0] == 0 && c.getPadding()[1] == 0;
            boolean plain = c.getDilation()[0] == 1 && c.getDilation()[1] == 1 && c.hasBias() && c.getCnn2dDataFormat() == CNN2DFormat.NCHW;
            boolean activation = c.getActivationFn() instanceof ActivationReLU || c.getActivationFn() instanceof ActivationIdentity;
            return square && valid && plain && activation ? null
                    : "only square, undilated ReLU (or linear) convolutions with valid or same padding are supported";
        }
        if (layer instanceof SubsamplingLayer s && s.getClass() == SubsamplingLayer.class) {
            boolean ok = s.getPoolingType() == PoolingType.MAX && s.getPadding()[0] == 0 && s.getPadding()[1] == 0
                    && s.getKernelSize()[0] == s.getKernelSize()[1] && s.getStride()[0] == s.getStride()[1]
                    && s.getConvolutionMode() == ConvolutionMode.Truncate;
            return ok ? null : "only square, unpadded max pooling is supported";
        }
        if (layer instanceof OutputLayer o && o.getClass() == OutputLayer.class) {
            boolean ok = o.getActivationFn() instanceof ActivationSoftmax && o.getLossFn() instanceof LossSparseMCXENT
                    && ((LossSparseMCXENT) o.getLossFn()).getWeights() == null && o.hasBias();
            return ok ? null : "only softmax with unweighted sparse cross-entropy is supported";
        }
        return "layer type " + layer.getClass().getSimpleName() + " is not supported";
    }

    private static LayerSpec spec(String name, Layer layer) {
        if (layer instanceof ConvolutionLayer c) {
            return new LayerSpec.Conv(name, (int) c.getNOut(), c.getKernelSize()[0], c.getStride()[0],
                    c.getConvolutionMode() == ConvolutionMode.Same, c.getActivationFn() instanceof ActivationReLU);
        }
        if (layer instanceof BatchNormalization b) {
            return new LayerSpec.BatchNorm(name, b.getDecay(), b.getEps(), false);
        }
        if (layer instanceof DropoutLayer d) {
            return new LayerSpec.Dropout(name, 1 - ((Dropout) d.getIDropout()).getP());
        }
        if (layer instanceof SubsamplingLayer s) {
            return new LayerSpec.MaxPool(name, s.getKernelSize()[0], s.getStride()[0]);
        }
        return new LayerSpec.Dense(name, (int) ((OutputLayer) layer).getNOut());
    }
}
