package dev.convnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The one walk over a network's layers, on the graphs ConvNetModel builds and on graphs that are no chain. */
class LayerChainTest {
    private static final Hyperparameters HP = new Hyperparameters(0.001, 42);
    private static final LayerChain.Planes MNIST = new LayerChain.Planes(1, 28, 28);

    /** Each link as kind(name) in → out, so a whole chain compares as one list. */
    private static List<String> read(Architecture arch) {
        return LayerChain.of(ConvNetModel.configuration(arch, HP), MNIST).links().stream()
                .map(l -> l.getClass().getSimpleName() + "(" + l.name() + ") " + shape(l.in()) + " -> " + shape(l.out())).toList();
    }

    private static String shape(LayerChain.Shape shape) {
        return shape instanceof LayerChain.Planes p ? p.channels() + "x" + p.height() + "x" + p.width()
                : String.valueOf(((LayerChain.Features) shape).count());
    }

    @Test
    void listing81ReadsAsItsSevenLayersWithTheBooksShapes() {
        assertEquals(List.of(
                "Conv(conv2d) 1x28x28 -> 32x26x26",
                "MaxPool(max_pooling2d) 32x26x26 -> 32x13x13",
                "Conv(conv2d_1) 32x13x13 -> 64x11x11",
                "MaxPool(max_pooling2d_1) 64x11x11 -> 64x5x5",
                "Conv(conv2d_2) 64x5x5 -> 128x3x3",
                "Flatten(flatten) 128x3x3 -> 1152",
                "Output(dense) 1152 -> 10"), read(Architecture.BOOK));
    }

    @Test
    void batchNormAndDropoutVariantReadsEveryVertex() {
        Architecture arch = new Architecture(ModelType.CONVNET, List.of(8, 16), 3, 1, Padding.SAME).withBatchNorm(true).withDropout(0.5);
        assertEquals(List.of(
                "Conv(conv2d) 1x28x28 -> 8x28x28",
                "BatchNorm(batch_normalization) 8x28x28 -> 8x28x28",
                "Activation(activation) 8x28x28 -> 8x28x28",
                "MaxPool(max_pooling2d) 8x28x28 -> 8x14x14",
                "Conv(conv2d_1) 8x14x14 -> 16x14x14",
                "BatchNorm(batch_normalization_1) 16x14x14 -> 16x14x14",
                "Activation(activation_1) 16x14x14 -> 16x14x14",
                "Flatten(flatten) 16x14x14 -> 3136",
                "Dropout(dropout) 3136 -> 3136",
                "Output(dense) 3136 -> 10"), read(arch));
    }

    @Test
    void chapterTwoDenseModelReadsAsFlattenDenseOutput() {
        assertEquals(List.of(
                "Flatten(flatten) 1x28x28 -> 784",
                "Dense(dense_hidden) 784 -> 512",
                "Output(dense) 512 -> 10"), read(new Architecture(ModelType.DENSE, List.of(32), 3, 1, Padding.VALID)));
    }

    @Test
    void aBranchingGraphIsRefusedInOneLineNamingWhereItBranches() {
        ComputationGraphConfiguration branching = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("left", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("right", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("out_left", softmax(), "left")
                .addLayer("out_right", softmax(), "right")
                .setOutputs("out_left", "out_right").build();
        LayerChain.NotAChainException twoOutputs = assertThrows(LayerChain.NotAChainException.class, () -> LayerChain.of(branching, MNIST));
        assertEquals("the graph must have one input and one output, not 1 and 2", twoOutputs.getMessage());

        ComputationGraphConfiguration joining = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("left", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("right", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addVertex("sum", new org.deeplearning4j.nn.conf.graph.ElementWiseVertex(
                        org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add), "left", "right")
                .addLayer("out", softmax(), "sum")
                .setOutputs("out").build();
        LayerChain.NotAChainException e = assertThrows(LayerChain.NotAChainException.class, () -> LayerChain.of(joining, MNIST));
        assertTrue(e.getMessage().startsWith("the graph branches after in ("), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    /** Kinds are read by exact class: a transposed convolution is a ConvolutionLayer, but no Conv2D. */
    @Test
    void aSubclassOfAKnownLayerIsAnOther() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(28, 28, 1))
                .addLayer("deconv", new Deconvolution2D.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("out", softmax(), "deconv")
                .setOutputs("out").build();
        LayerChain.Link first = LayerChain.of(conf, MNIST).links().get(0);
        LayerChain.Other other = assertInstanceOf(LayerChain.Other.class, first);
        assertEquals("Deconvolution2D", other.kind());
    }

    private static OutputLayer softmax() {
        return new OutputLayer.Builder(LossFunction.SPARSE_MCXENT).nOut(10).activation(Activation.SOFTMAX).build();
    }
}
