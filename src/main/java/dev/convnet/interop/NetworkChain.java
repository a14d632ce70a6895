package dev.convnet.interop;

import dev.convnet.data.MnistLoader;
import dev.convnet.model.LayerChain;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convnet ComputationGraph read as the straight chain it is (input → Conv2D [BatchNormalization,
 * ReLU] / MaxPooling2D … → Flatten → [Dropout] → Dense …), with its weights in Keras' layout: what
 * the exporters write. The walk is {@link LayerChain}'s; this maps its links to what Keras configs
 * and ONNX graphs can say (square maps, 2x2 max pooling, ReLU hidden Dense layers, a softmax end).
 *
 * @param layers the layers in order, after the 28x28x1 input
 */
record NetworkChain(List<ChainLayer> layers) {

    NetworkChain {
        layers = List.copyOf(layers);
    }

    /** The chain of a graph convnet built; InteropException naming the vertex if it has anything else. */
    static NetworkChain of(ComputationGraphConfiguration conf) {
        LayerChain chain;
        try {
            chain = LayerChain.of(conf, new LayerChain.Planes(1, MnistLoader.IMAGE_SIZE, MnistLoader.IMAGE_SIZE));
        } catch (LayerChain.NotAChainException e) {
            throw new InteropException(e.getMessage() + "; convnet exports straight chains only");
        }
        List<ChainLayer> layers = new ArrayList<>();
        for (LayerChain.Link link : chain.links()) {
            layers.add(layer(link));
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof ChainLayer.Dense last) || !last.softmax()) {
            throw new InteropException("the network does not end in a softmax Dense layer");
        }
        return new NetworkChain(layers);
    }

    /** The exporters' layer for one link; InteropException naming it if they cannot write it. */
    private static ChainLayer layer(LayerChain.Link link) {
        String name = link.name();
        if (link.in() instanceof LayerChain.Planes in && in.height() == in.width()) {
            int channels = (int) in.channels();
            int side = (int) in.height();
            if (link instanceof LayerChain.Flatten f && f.recorded().equals(in)) {
                return new ChainLayer.Flatten(name, channels, side);
            } else if (link instanceof LayerChain.BatchNorm bn && bn.layer().getNOut() == channels && !bn.layer().isLockGammaBeta()
                    && bn.layer().getActivationFn() instanceof ActivationIdentity) {
                return new ChainLayer.BatchNorm(name, channels, side, bn.layer().getDecay(), bn.layer().getEps());
            } else if (link instanceof LayerChain.Activation a && a.layer().getActivationFn() instanceof ActivationReLU) {
                return new ChainLayer.Relu(name, channels, side);
            } else if (link instanceof LayerChain.Conv c) {
                return conv(c, channels, side);
            } else if (link instanceof LayerChain.MaxPool p && isPlainMaxPool(p.layer())) {
                return new ChainLayer.MaxPool(name, channels, side, (int) p.out().height());
            }
        } else if (link.in() instanceof LayerChain.Features in) {
            int features = (int) in.count();
            if (link instanceof LayerChain.Dropout d && d.layer().getIDropout() instanceof Dropout drop && drop.getPSchedule() == null) {
                return new ChainLayer.Dropout(name, features, 1 - drop.getP());
            } else if (link instanceof LayerChain.BatchNorm bn && bn.layer().getNOut() == features && !bn.layer().isLockGammaBeta()
                    && bn.layer().getActivationFn() instanceof ActivationIdentity) {
                return new ChainLayer.BatchNorm(name, features, 0, bn.layer().getDecay(), bn.layer().getEps());
            } else if (link instanceof LayerChain.Activation a && a.layer().getActivationFn() instanceof ActivationReLU) {
                return new ChainLayer.Relu(name, features, 0);
            } else if (link instanceof LayerChain.Dense d && d.layer().getNIn() == features && d.layer().hasBias()
                    && (d.layer().getActivationFn() instanceof ActivationReLU
                        || d.layer().getActivationFn() instanceof ActivationIdentity)) {
                return new ChainLayer.Dense(name, features, (int) d.out().count(), false,
                        d.layer().getActivationFn() instanceof ActivationIdentity);
            } else if (link instanceof LayerChain.Output o && o.layer().getNIn() == features
                    && o.layer().getActivationFn() instanceof ActivationSoftmax && o.layer().hasBias()) {
                return new ChainLayer.Dense(name, features, (int) o.out().count(), true);
            }
        }
        String what = link.layer() != null ? "layer " + name + " (" + link.layer().getClass().getSimpleName()
                : "vertex " + name + " (" + (link instanceof LayerChain.Other o ? o.kind() : "Flatten");
        throw new InteropException(what + ") is not one convnet can export");
    }

    private static ChainLayer.Conv conv(LayerChain.Conv link, int channels, int side) {
        ConvolutionLayer c = link.layer();
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
            throw new InteropException("convolution " + link.name() + " is not a square, undilated ReLU convolution "
                    + "with valid or same padding: convnet cannot export it");
        }
        return new ChainLayer.Conv(link.name(), channels, (int) c.getNOut(), k[0], s[0], same, side, (int) link.out().height(),
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
