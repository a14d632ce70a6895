package dev.convnet.model;

import dev.convnet.data.MnistLoader;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The convnet of <i>Deep Learning with Python</i> (2nd ed.), listing 8-1, as a DL4J ComputationGraph.
 *
 * <pre>
 * inputs = keras.Input(shape=(28, 28, 1))
 * x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
 * x = layers.MaxPooling2D(pool_size=2)(x)
 * x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
 * x = layers.MaxPooling2D(pool_size=2)(x)
 * x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
 * x = layers.Flatten()(x)
 * outputs = layers.Dense(10, activation="softmax")(x)
 * </pre>
 *
 * Layer names follow Keras so that {@code summary} reads like the book. Tensors are NCHW inside
 * DL4J: with the oneDNN helpers, NHWC gives wrong gradients in M2.1.
 */
public final class ConvNetModel {
    public static final String INPUT = "input_1";
    public static final String OUTPUT = "dense";

    private ConvNetModel() {
    }

    /** The graph's configuration, without allocating parameters. */
    public static ComputationGraphConfiguration configuration(Hyperparameters hp) {
        int size = MnistLoader.IMAGE_SIZE;
        return new NeuralNetConfiguration.Builder()
                .seed(hp.seed())
                .dataType(DataType.FLOAT)
                .updater(new RmsProp(hp.learningRate(), Hyperparameters.RMSPROP_RHO, Hyperparameters.RMSPROP_EPSILON))
                .weightInit(WeightInit.XAVIER_UNIFORM) // Keras' glorot_uniform
                .biasInit(0.0)
                .convolutionMode(ConvolutionMode.Truncate) // Keras' padding="valid"
                // Keep forward activations for backprop instead of recomputing every convolution.
                .cacheMode(CacheMode.DEVICE)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(size, size, 1))
                .addLayer("conv2d", conv(32), INPUT)
                .addLayer("max_pooling2d", maxPool(), "conv2d")
                .addLayer("conv2d_1", conv(64), "max_pooling2d")
                .addLayer("max_pooling2d_1", maxPool(), "conv2d_1")
                .addLayer("conv2d_2", conv(128), "max_pooling2d_1")
                .addVertex("flatten", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(3, 3, 128)), "conv2d_2")
                .addLayer(OUTPUT, new OutputLayer.Builder(LossFunction.SPARSE_MCXENT)
                        .nOut(MnistLoader.CLASSES).activation(Activation.SOFTMAX).build(), "flatten")
                .setOutputs(OUTPUT)
                .build();
    }

    /** A freshly initialised network, ready to train. */
    public static ComputationGraph create(Hyperparameters hp) {
        ComputationGraph graph = new ComputationGraph(configuration(hp));
        graph.init();
        return graph;
    }

    private static ConvolutionLayer conv(int filters) {
        return new ConvolutionLayer.Builder(3, 3).nOut(filters).activation(Activation.RELU).build();
    }

    private static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }
}
