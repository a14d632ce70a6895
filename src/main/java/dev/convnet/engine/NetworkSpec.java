package dev.convnet.engine;

import dev.convnet.model.LayerChain;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * Reads a ComputationGraph as a chain the oneDNN engine can run: Conv2D (relu, or linear before a
 * BatchNormalization and its ReLU) and MaxPooling2D layers, a BatchNormalization without ReLU after a
 * ReLU convolution or a pooling, a Flatten, Dropout layers, and a softmax
 * Dense output with sparse cross-entropy, all trained by RMSprop without regularisation. Anything
 * else is declined with a reason, and the caller trains with DL4J's own code instead. The walk over
 * the graph is {@link LayerChain}'s; this maps its links to what the engine runs, with the checks
 * only the engine needs (RMSprop, no regularisation, NCHW, a ReLU fused into the layer before it).
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
        LayerChain chain;
        try {
            chain = LayerChain.of(graph.getConfiguration(), new LayerChain.Planes(channels, height, width));
        } catch (LayerChain.NotAChainException e) {
            return new Unsupported(e.getMessage());
        }
        List<LayerSpec> layers = new ArrayList<>();
        RmsProp updater = null;
        for (LayerChain.Link link : chain.links()) {
            String name = link.name();
            if (link instanceof LayerChain.Flatten) {
                continue; // the dense layer reads the 4-D activations directly
            }
            Layer layer = link.layer();
            if (layer == null) {
                return new Unsupported("vertex " + name + " is not a plain layer");
            }
            LayerSpec last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
            if (link instanceof LayerChain.Activation a) {
                // a separate ReLU: fused into the linear convolution or BatchNormalization before it
                if (!(a.layer().getActivationFn() instanceof ActivationReLU)) {
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
            String problem = unsupported(link, layer);
            if (problem != null) {
                return new Unsupported(name + ": " + problem);
            }
            boolean afterLinearConv = last instanceof LayerSpec.Conv c && !c.relu();
            // before the ReLU (a linear convolution), after it (a ReLU convolution), or after a pooling
            boolean normalisable = last instanceof LayerSpec.Conv || last instanceof LayerSpec.MaxPool;
            if (link instanceof LayerChain.BatchNorm && !normalisable) {
                return new Unsupported(name + ": BatchNormalization is supported right after a convolution or a pooling");
            }
            if (afterLinearConv && !(link instanceof LayerChain.BatchNorm)) {
                return new Unsupported(name + ": a linear convolution must be followed by BatchNormalization or a ReLU");
            }
            if (layer instanceof BaseLayer base && !(link instanceof LayerChain.Dropout)) { // a Dropout layer has no parameters
                if (!(base.getIUpdater() instanceof RmsProp r)) {
                    return new Unsupported(name + ": only RMSprop is supported");
                }
                if (updater != null && !updater.equals(r)) {
                    return new Unsupported(name + ": layers use different optimiser settings");
                }
                updater = r;
            }
            layers.add(spec(link));
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

    /** Why the engine does not run this layer, or null if it does; {@code layer} is {@code link}'s. */
    private static String unsupported(LayerChain.Link link, Layer layer) {
        if (layer instanceof BaseLayer base && (!base.getRegularization().isEmpty() || !base.getRegularizationBias().isEmpty()
                || base.getGradientNormalization() != org.deeplearning4j.nn.conf.GradientNormalization.None)) {
            return "regularisation and gradient normalisation are not supported";
        }
        if (link instanceof LayerChain.Dropout d) {
            // DL4J's p is the probability to keep a unit
            boolean plain = d.layer().getIDropout() instanceof Dropout drop && drop.getClass() == Dropout.class
                    && drop.getPSchedule() == null && drop.getP() > 0 && drop.getP() <= 1;
            return plain ? null : "only plain inverted dropout (a fixed probability to keep) is supported";
        }
        if (layer.getIDropout() != null) {
            return "dropout on a layer's input is not supported (a Dropout layer is)";
        }
        if (link instanceof LayerChain.BatchNorm bn) {
            BatchNormalization b = bn.layer();
            boolean ok = !b.isUseLogStd() && !b.isLockGammaBeta() && b.getActivationFn() instanceof ActivationIdentity
                    && b.getCnn2DFormat() == CNN2DFormat.NCHW && b.getEps() > 0 && b.getDecay() >= 0 && b.getDecay() <= 1;
            return ok ? null : "only BatchNormalization with learned gamma and beta, a plain moving variance (useLogStd false), "
                    + "a positive epsilon and no activation is supported";
        }
        if (link instanceof LayerChain.Conv conv) {
            ConvolutionLayer c = conv.layer();
            boolean square = c.getKernelSize()[0] == c.getKernelSize()[1] && c.getStride()[0] == c.getStride()[1];
            boolean valid = (c.getConvolutionMode() == ConvolutionMode.Truncate || c.getConvolutionMode() == ConvolutionMode.Same)
                    && c.getPadding()[0] == 0 && c.getPadding()[1] == 0;
            boolean plain = c.getDilation()[0] == 1 && c.getDilation()[1] == 1 && c.hasBias() && c.getCnn2dDataFormat() == CNN2DFormat.NCHW;
            boolean activation = c.getActivationFn() instanceof ActivationReLU || c.getActivationFn() instanceof ActivationIdentity;
            return square && valid && plain && activation ? null
                    : "only square, undilated ReLU (or linear) convolutions with valid or same padding are supported";
        }
        if (link instanceof LayerChain.MaxPool pool) {
            SubsamplingLayer s = pool.layer();
            boolean ok = s.getPoolingType() == PoolingType.MAX && s.getPadding()[0] == 0 && s.getPadding()[1] == 0
                    && s.getKernelSize()[0] == s.getKernelSize()[1] && s.getStride()[0] == s.getStride()[1]
                    && s.getConvolutionMode() == ConvolutionMode.Truncate;
            return ok ? null : "only square, unpadded max pooling is supported";
        }
        if (link instanceof LayerChain.Output output) {
            OutputLayer o = output.layer();
            boolean ok = o.getActivationFn() instanceof ActivationSoftmax && o.getLossFn() instanceof LossSparseMCXENT
                    && ((LossSparseMCXENT) o.getLossFn()).getWeights() == null && o.hasBias();
            return ok ? null : "only softmax with unweighted sparse cross-entropy is supported";
        }
        return "layer type " + layer.getClass().getSimpleName() + " is not supported";
    }

    /** The engine's layer for a link {@link #unsupported} accepted (a convolution, BatchNormalization, Dropout, pooling or output). */
    private static LayerSpec spec(LayerChain.Link link) {
        String name = link.name();
        if (link instanceof LayerChain.Conv conv) {
            ConvolutionLayer c = conv.layer();
            return new LayerSpec.Conv(name, (int) c.getNOut(), c.getKernelSize()[0], c.getStride()[0],
                    c.getConvolutionMode() == ConvolutionMode.Same, c.getActivationFn() instanceof ActivationReLU);
        }
        if (link instanceof LayerChain.BatchNorm b) {
            return new LayerSpec.BatchNorm(name, b.layer().getDecay(), b.layer().getEps(), false);
        }
        if (link instanceof LayerChain.Dropout d) {
            return new LayerSpec.Dropout(name, 1 - ((Dropout) d.layer().getIDropout()).getP());
        }
        if (link instanceof LayerChain.MaxPool p) {
            return new LayerSpec.MaxPool(name, p.layer().getKernelSize()[0], p.layer().getStride()[0]);
        }
        return new LayerSpec.Dense(name, (int) ((LayerChain.Output) link).out().count());
    }
}
