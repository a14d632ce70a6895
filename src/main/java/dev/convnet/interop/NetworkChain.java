package dev.convnet.interop;

import dev.convnet.data.MnistLoader;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convnet ComputationGraph read as the straight chain it is (input → Conv2D [BatchNormalization,
 * ReLU] / MaxPooling2D … → Flatten → [Dropout] → Dense …), with its weights in Keras' layout: what
 * the exporters write.
 *
 * @param layers the layers in order, after the 28x28x1 input
 */
record NetworkChain(List<ChainLayer> layers) {

    NetworkChain {
        layers = List.copyOf(layers);
    }

    /** The chain of a graph convnet built; InteropException naming the vertex if it has anything else. */
    static NetworkChain of(ComputationGraphConfiguration conf) {
        List<ChainLayer> layers = new ArrayList<>();
        int channels = 1;
        int side = MnistLoader.IMAGE_SIZE;
        int features = -1; // after Flatten
        String previous = conf.getNetworkInputs().get(0);
        for (String name = next(conf, previous); name != null; name = next(conf, previous)) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex instanceof PreprocessorVertex p && p.getPreProcessor() instanceof CnnToFeedForwardPreProcessor f
                    && features < 0 && f.getNumChannels() == channels && f.getInputHeight() == side && f.getInputWidth() == side) {
                layers.add(new ChainLayer.Flatten(name, channels, side));
                features = channels * side * side;
            } else if (vertex instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                if (layer instanceof BatchNormalization b && features < 0 && b.getNOut() == channels && !b.isLockGammaBeta()
                        && b.getActivationFn() instanceof ActivationIdentity) {
                    layers.add(new ChainLayer.BatchNorm(name, channels, side, b.getDecay(), b.getEps()));
                } else if (layer instanceof ActivationLayer a && features < 0 && a.getActivationFn() instanceof ActivationReLU) {
                    layers.add(new ChainLayer.Relu(name, channels, side));
                } else if (layer instanceof DropoutLayer d && features > 0 && d.getIDropout() instanceof Dropout drop
                        && drop.getPSchedule() == null) {
                    layers.add(new ChainLayer.Dropout(name, features, 1 - drop.getP()));
                } else if (layer instanceof ConvolutionLayer c && !(layer instanceof SubsamplingLayer) && features < 0) {
                    ChainLayer.Conv conv = conv(name, c, channels, side);
                    layers.add(conv);
                    channels = conv.filters();
                    side = conv.outSide();
                } else if (layer instanceof SubsamplingLayer s && features < 0 && isPlainMaxPool(s)) {
                    layers.add(new ChainLayer.MaxPool(name, channels, side, side / 2));
                    side = side / 2;
                } else if (layer instanceof DenseLayer d && features > 0 && d.getNIn() == features
                        && d.getActivationFn() instanceof ActivationReLU && d.hasBias()) {
                    layers.add(new ChainLayer.Dense(name, features, (int) d.getNOut(), false));
                    features = (int) d.getNOut();
                } else if (layer instanceof OutputLayer o && features > 0 && o.getNIn() == features
                        && o.getActivationFn() instanceof ActivationSoftmax && o.hasBias()) {
                    layers.add(new ChainLayer.Dense(name, features, (int) o.getNOut(), true));
                    features = (int) o.getNOut();
                } else {
                    throw new InteropException("layer " + name + " (" + layer.getClass().getSimpleName()
                            + ") is not one convnet can export");
                }
            } else {
                throw new InteropException("vertex " + name + " (" + vertex.getClass().getSimpleName()
                        + ") is not one convnet can export");
            }
            previous = name;
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof ChainLayer.Dense last) || !last.softmax()) {
            throw new InteropException("the network does not end in a softmax Dense layer");
        }
        return new NetworkChain(layers);
    }

    /** The one vertex that reads {@code previous}, or null at the end; InteropException where the graph branches. */
    private static String next(ComputationGraphConfiguration conf, String previous) {
        List<String> readers = conf.getVertexInputs().entrySet().stream()
                .filter(e -> e.getValue().contains(previous)).map(java.util.Map.Entry::getKey).toList();
        if (readers.size() > 1) {
            throw new InteropException("the network branches after " + previous + ": convnet exports straight chains only");
        }
        if (readers.isEmpty()) {
            return null;
        }
        String name = readers.get(0);
        if (conf.getVertexInputs().get(name).size() != 1) {
            throw new InteropException("vertex " + name + " has several inputs: convnet exports straight chains only");
        }
        return name;
    }

    private static ChainLayer.Conv conv(String name, ConvolutionLayer c, int channels, int side) {
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        int[] d = c.getDilation();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        boolean ok = k[0] == k[1] && s[0] == s[1] && p[0] == 0 && p[1] == 0 && d[0] == 1 && d[1] == 1
                && (same || c.getConvolutionMode() == ConvolutionMode.Truncate)
                && (c.getActivationFn() instanceof ActivationReLU || c.getActivationFn() instanceof ActivationIdentity)
                && c.hasBias() && c.getNIn() == channels;
        if (!ok) {
            throw new InteropException("convolution " + name + " is not a square, undilated ReLU convolution "
                    + "with valid or same padding: convnet cannot export it");
        }
        int out = same ? (side + s[0] - 1) / s[0] : (side - k[0]) / s[0] + 1;
        return new ChainLayer.Conv(name, channels, (int) c.getNOut(), k[0], s[0], same, side, out,
                c.getActivationFn() instanceof ActivationReLU);
    }

    private static boolean isPlainMaxPool(SubsamplingLayer s) {
        return s.getPoolingType() == PoolingType.MAX && s.getKernelSize()[0] == 2 && s.getKernelSize()[1] == 2
                && s.getStride()[0] == 2 && s.getStride()[1] == 2 && s.getPadding()[0] == 0 && s.getPadding()[1] == 0
                && s.getConvolutionMode() == ConvolutionMode.Truncate;
    }

    /** The kernel of a Conv2D or Dense layer in Keras' layout ([kh,kw,in,out] or [inputs,units], row-major). */
    float[] kerasKernel(ComputationGraph graph, ChainLayer layer) {
        float[] dl4j = flat(graph.getLayer(layer.name()).getParam("W"));
        if (layer instanceof ChainLayer.Conv c) {
            return Layouts.dl4jConvToKeras(dl4j, c.kernel(), c.inChannels(), c.filters());
        }
        ChainLayer.Dense d = (ChainLayer.Dense) layer;
        return afterFlatten(d) instanceof ChainLayer.Flatten f
                ? Layouts.dl4jDenseRowsToKeras(dl4j, f.channels(), f.side(), d.units()) : dl4j;
    }

    /** The kernel in DL4J's own layout, flattened row-major: [out,in,kh,kw] or [inputs,units]. */
    static float[] dl4jKernel(ComputationGraph graph, ChainLayer layer) {
        return flat(graph.getLayer(layer.name()).getParam("W"));
    }

    static float[] bias(ComputationGraph graph, ChainLayer layer) {
        return flat(graph.getLayer(layer.name()).getParam("b"));
    }

    /** The Flatten right before {@code dense} (with nothing but Dropout between), if it follows one. */
    ChainLayer afterFlatten(ChainLayer.Dense dense) {
        int i = layers.indexOf(dense) - 1;
        while (i > 0 && layers.get(i) instanceof ChainLayer.Dropout) {
            i--;
        }
        return i >= 0 ? layers.get(i) : null;
    }

    /** BatchNormalization's gamma, beta, moving mean and moving variance, each {@code [channels]}, in Keras' order. */
    static List<float[]> batchNormVariables(ComputationGraph graph, ChainLayer.BatchNorm layer) {
        org.deeplearning4j.nn.api.Layer l = graph.getLayer(layer.name());
        return List.of(flat(l.getParam("gamma")), flat(l.getParam("beta")), flat(l.getParam("mean")), flat(l.getParam("var")));
    }

    /** Sets a layer's kernel from Keras' layout (the inverse of {@link #kerasKernel}). */
    void setFromKeras(ComputationGraph graph, ChainLayer layer, float[] kerasKernel, float[] bias) {
        float[] dl4j;
        long[] shape;
        if (layer instanceof ChainLayer.Conv c) {
            dl4j = Layouts.kerasConvToDl4j(kerasKernel, c.kernel(), c.inChannels(), c.filters());
            shape = new long[] {c.filters(), c.inChannels(), c.kernel(), c.kernel()};
        } else {
            ChainLayer.Dense d = (ChainLayer.Dense) layer;
            dl4j = afterFlatten(d) instanceof ChainLayer.Flatten f
                    ? Layouts.kerasDenseRowsToDl4j(kerasKernel, f.channels(), f.side(), d.units()) : kerasKernel;
            shape = new long[] {d.inputs(), d.units()};
        }
        org.deeplearning4j.nn.api.Layer target = graph.getLayer(layer.name());
        target.setParam("W", Nd4j.create(dl4j, shape, 'c'));
        target.setParam("b", Nd4j.create(bias, new long[] {1, bias.length}, 'c'));
    }

    private static float[] flat(INDArray array) {
        return Nd4j.toFlattened('c', array).toFloatVector();
    }

    /** The layers that carry weights (Conv2D and Dense), in order. */
    List<ChainLayer> weighted() {
        return layers.stream().filter(l -> l instanceof ChainLayer.Conv || l instanceof ChainLayer.Dense).toList();
    }
}
