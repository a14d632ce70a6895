package dev.convnet.model;

import dev.convnet.data.MnistLoader;
import java.util.List;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
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
 * With {@link Architecture#BOOK} {@link #configuration} builds exactly that; other architectures
 * vary filters, kernel, strides and padding, add a pooling after the last convolution, Dropout
 * before the output layer or BatchNormalization after each convolution, or build the chapter-2
 * dense network. Layer names
 * follow Keras so that {@code summary} reads like the book. Tensors are NCHW inside DL4J: with the
 * oneDNN helpers, NHWC gives wrong gradients in M2.1.
 */
public final class ConvNetModel {
    public static final String INPUT = "input_1";
    public static final String OUTPUT = "dense";
    public static final String DROPOUT = "dropout";
    /** Keras' BatchNormalization defaults: the moving averages keep 0.99 of their value each step. */
    public static final double BATCH_NORM_MOMENTUM = 0.99;
    public static final double BATCH_NORM_EPSILON = 1e-3;

    private ConvNetModel() {
    }

    /** The book's network and optimiser. */
    public static ComputationGraphConfiguration configuration(Hyperparameters hp) {
        return configuration(Architecture.BOOK, hp);
    }

    /** The graph's configuration, without allocating parameters. */
    public static ComputationGraphConfiguration configuration(Architecture arch, Hyperparameters hp) {
        int size = MnistLoader.IMAGE_SIZE;
        arch.featureMapSizes(size); // fails early, with a clear message, on impossible shapes
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(hp.seed())
                .dataType(DataType.FLOAT)
                .updater(hp.updater())
                .weightInit(WeightInit.XAVIER_UNIFORM) // Keras' glorot_uniform
                .biasInit(0.0)
                // Keep forward activations for backprop instead of recomputing every convolution.
                .cacheMode(CacheMode.DEVICE)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(size, size, 1));
        String last = arch.isDense() ? denseLayers(graph) : convLayers(graph, arch);
        if (arch.dropout() > 0) {
            // DL4J's argument is the probability to keep a unit, Keras' rate the probability to drop it;
            // DL4J's dropout is inverted (kept units scaled by 1 / keep) like Keras'
            graph.addLayer(DROPOUT, new DropoutLayer.Builder(1 - arch.dropout()).build(), last);
            last = DROPOUT;
        }
        return graph
                .addLayer(OUTPUT, new OutputLayer.Builder(LossFunction.SPARSE_MCXENT)
                        .nOut(MnistLoader.CLASSES).activation(Activation.SOFTMAX).build(), last)
                .setOutputs(OUTPUT)
                .build();
    }

    /** A freshly initialised book network, ready to train. */
    public static ComputationGraph create(Hyperparameters hp) {
        return create(Architecture.BOOK, hp);
    }

    public static ComputationGraph create(Architecture arch, Hyperparameters hp) {
        ComputationGraph graph = new ComputationGraph(configuration(arch, hp));
        graph.init();
        return graph;
    }

    /** Conv2D → MaxPooling2D → … → Conv2D → Flatten, named as Keras names them. */
    private static String convLayers(GraphBuilder graph, Architecture arch) {
        List<Integer> filters = arch.filters();
        ConvolutionMode mode = arch.samePadding() ? ConvolutionMode.Same : ConvolutionMode.Truncate;
        String previous = INPUT;
        for (int i = 0; i < filters.size(); i++) {
            String conv = "conv2d" + suffix(i);
            graph.addLayer(conv, new ConvolutionLayer.Builder(arch.kernel(), arch.kernel())
                    .stride(arch.strides(), arch.strides()).convolutionMode(mode).nOut(filters.get(i))
                    .activation(arch.batchNorm() ? Activation.IDENTITY : Activation.RELU).build(), previous);
            previous = conv;
            if (arch.batchNorm()) {
                // Conv2D (linear) -> BatchNormalization -> Activation("relu"), as Keras models write it
                String norm = "batch_normalization" + suffix(i);
                // useLogStd(false): keep the moving variance itself, as Keras does (DL4J's default keeps log10 of the std)
                graph.addLayer(norm, new BatchNormalization.Builder().decay(BATCH_NORM_MOMENTUM).eps(BATCH_NORM_EPSILON)
                        .useLogStd(false).activation(Activation.IDENTITY).build(), previous);
                String relu = "activation" + suffix(i);
                graph.addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU).build(), norm);
                previous = relu;
            }
            if (arch.poolsAfter(i)) {
                String pool = "max_pooling2d" + suffix(i);
                graph.addLayer(pool, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).build(), previous);
                previous = pool;
            }
        }
        List<Integer> sizes = arch.featureMapSizes(MnistLoader.IMAGE_SIZE); // ends with the last map's side
        int side = sizes.get(sizes.size() - 1);
        graph.addVertex("flatten", new PreprocessorVertex(
                new CnnToFeedForwardPreProcessor(side, side, filters.get(filters.size() - 1))), previous);
        return "flatten";
    }

    /** Chapter 2: Flatten → Dense(512, relu). */
    private static String denseLayers(GraphBuilder graph) {
        int size = MnistLoader.IMAGE_SIZE;
        graph.addVertex("flatten", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(size, size, 1)), INPUT);
        graph.addLayer("dense_hidden", new DenseLayer.Builder().nOut(Architecture.DENSE_UNITS)
                .activation(Activation.RELU).build(), "flatten");
        return "dense_hidden";
    }

    private static String suffix(int i) {
        return i == 0 ? "" : "_" + i;
    }
}
