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
 * before the output layer or BatchNormalization around the convolutions (before or after their ReLU,
 * or after their pooling), or build the chapter-2 dense network (with or without a
 * BatchNormalization). Layer names
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
        arch.featureMapSizes(MnistLoader.IMAGE_SIZE); // fails early, with a clear message, on impossible shapes
        return arch.equals(Architecture.BOOK) ? listing8_1(graph(hp)).build() : anyArchitecture(arch, hp);
    }

    /** Any architecture, layer by layer from its settings (for the book's, the same graph as listing 8-1). */
    static ComputationGraphConfiguration anyArchitecture(Architecture arch, Hyperparameters hp) {
        GraphBuilder graph = graph(hp);
        String last = arch.isDense() ? denseLayers(graph, arch) : convLayers(graph, arch);
        if (arch.dropout() > 0) {
            // DL4J's argument is the probability to keep a unit, Keras' rate the probability to drop it;
            // DL4J's dropout is inverted (kept units scaled by 1 / keep) like Keras'
            graph.addLayer(DROPOUT, new DropoutLayer.Builder(1 - arch.dropout()).build(), last);
            last = DROPOUT;
        }
        return graph.addLayer(OUTPUT, softmax10(), last).setOutputs(OUTPUT).build();
    }

    /**
     * Listing 8-1, one line a layer, with Keras' layer names and output shapes ({@link #anyArchitecture}
     * builds the same graph from {@link Architecture#BOOK}'s settings, and the variants).
     */
    private static GraphBuilder listing8_1(GraphBuilder graph) {
        return graph                                                                       // Keras layer           output
                .addLayer("conv2d", conv2d(32, 3, Activation.RELU), INPUT)                 // Conv2D(32, 3, relu)     26×26×32
                .addLayer("max_pooling2d", maxPooling2d(), "conv2d")                       // MaxPooling2D(2)         13×13×32
                .addLayer("conv2d_1", conv2d(64, 3, Activation.RELU), "max_pooling2d")     // Conv2D(64, 3, relu)     11×11×64
                .addLayer("max_pooling2d_1", maxPooling2d(), "conv2d_1")                   // MaxPooling2D(2)         5×5×64
                .addLayer("conv2d_2", conv2d(128, 3, Activation.RELU), "max_pooling2d_1")  // Conv2D(128, 3, relu)    3×3×128
                .addVertex("flatten", flatten(3, 128), "conv2d_2")                         // Flatten                 1152
                .addLayer(OUTPUT, softmax10(), "flatten")                                  // Dense(10, softmax)      10
                .setOutputs(OUTPUT);
    }

    /** The global settings every network shares: seed, float32, RMSprop, Keras' initialisers. */
    private static GraphBuilder graph(Hyperparameters hp) {
        int size = MnistLoader.IMAGE_SIZE;
        return new NeuralNetConfiguration.Builder()
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
    }

    /** Conv2D with Keras' default "valid" padding and stride 1. */
    private static ConvolutionLayer conv2d(int filters, int kernel, Activation activation) {
        return new ConvolutionLayer.Builder(kernel, kernel).convolutionMode(ConvolutionMode.Truncate)
                .nOut(filters).activation(activation).build();
    }

    /** MaxPooling2D(pool_size=2): 2×2 windows, stride 2, the odd last row and column dropped. */
    private static SubsamplingLayer maxPooling2d() {
        return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build();
    }

    /** Flatten of a side×side×channels map (DL4J flattens NCHW; interop reorders for Keras' NHWC). */
    private static PreprocessorVertex flatten(int side, int channels) {
        return new PreprocessorVertex(new CnnToFeedForwardPreProcessor(side, side, channels));
    }

    /** Dense(10, softmax) trained with sparse categorical cross-entropy. */
    private static OutputLayer softmax10() {
        return new OutputLayer.Builder(LossFunction.SPARSE_MCXENT)
                .nOut(MnistLoader.CLASSES).activation(Activation.SOFTMAX).build();
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

    /**
     * Conv2D → MaxPooling2D → … → Conv2D → Flatten for any {@link Architecture}, named as Keras names
     * them, with each convolution's BatchNormalization where the architecture places it: Conv2D
     * (linear) → BatchNormalization → ReLU, Conv2D (relu) → BatchNormalization, or Conv2D (relu) →
     * MaxPooling2D → BatchNormalization.
     */
    private static String convLayers(GraphBuilder graph, Architecture arch) {
        List<Integer> filters = arch.filters();
        ConvolutionMode mode = arch.samePadding() ? ConvolutionMode.Same : ConvolutionMode.Truncate;
        Names names = new Names();
        String previous = INPUT;
        for (int i = 0; i < filters.size(); i++) {
            BatchNormPlacement norm = arch.batchNormOf(i);
            String conv = "conv2d" + suffix(i);
            graph.addLayer(conv, new ConvolutionLayer.Builder(arch.kernel(), arch.kernel())
                    .stride(arch.strides(), arch.strides()).convolutionMode(mode).nOut(filters.get(i))
                    .activation(norm == BatchNormPlacement.BEFORE_ACTIVATION ? Activation.IDENTITY : Activation.RELU).build(),
                    previous);
            previous = conv;
            if (norm == BatchNormPlacement.BEFORE_ACTIVATION) {
                // Conv2D (linear) -> BatchNormalization -> Activation("relu"), as Keras models write it
                previous = relu(graph, names, batchNormalization(graph, names, previous));
            } else if (norm == BatchNormPlacement.AFTER_ACTIVATION) {
                previous = batchNormalization(graph, names, previous);
            }
            if (arch.poolsAfter(i)) {
                String pool = "max_pooling2d" + suffix(i);
                graph.addLayer(pool, maxPooling2d(), previous);
                previous = pool;
                if (norm == BatchNormPlacement.AFTER_POOLING) {
                    previous = batchNormalization(graph, names, previous);
                }
            }
        }
        List<Integer> sizes = arch.featureMapSizes(MnistLoader.IMAGE_SIZE); // ends with the last map's side
        int side = sizes.get(sizes.size() - 1);
        graph.addVertex("flatten", flatten(side, filters.get(filters.size() - 1)), previous);
        return "flatten";
    }

    /**
     * A BatchNormalization with Keras' defaults (importers set the model's own momentum and epsilon)
     * after {@code previous}, named as Keras numbers them; returns its name.
     */
    private static String batchNormalization(GraphBuilder graph, Names names, String previous) {
        String norm = names.next("batch_normalization");
        // useLogStd(false): keep the moving variance itself, as Keras does (DL4J's default keeps log10 of the std)
        graph.addLayer(norm, new BatchNormalization.Builder().decay(BATCH_NORM_MOMENTUM).eps(BATCH_NORM_EPSILON)
                .useLogStd(false).activation(Activation.IDENTITY).build(), previous);
        return norm;
    }

    /** An Activation("relu") layer after {@code previous} (after a BatchNormalization that precedes the ReLU); returns its name. */
    private static String relu(GraphBuilder graph, Names names, String previous) {
        String relu = names.next("activation");
        graph.addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU).build(), previous);
        return relu;
    }

    /** Keras' layer names: the first of a kind plain, the next ones numbered from 1 ({@code batch_normalization_1}). */
    private static final class Names {
        private final java.util.Map<String, Integer> counts = new java.util.HashMap<>();

        String next(String kind) {
            int n = counts.merge(kind, 1, Integer::sum) - 1;
            return kind + suffix(n);
        }
    }

    /** Chapter 2: Flatten → Dense(512, relu), with its BatchNormalization where the architecture places it. */
    private static String denseLayers(GraphBuilder graph, Architecture arch) {
        int size = MnistLoader.IMAGE_SIZE;
        BatchNormPlacement norm = arch.batchNormOf(0);
        graph.addVertex("flatten", flatten(size, 1), INPUT);
        graph.addLayer("dense_hidden", new DenseLayer.Builder().nOut(Architecture.DENSE_UNITS)
                .activation(norm == BatchNormPlacement.BEFORE_ACTIVATION ? Activation.IDENTITY : Activation.RELU).build(), "flatten");
        if (norm == BatchNormPlacement.NONE) {
            return "dense_hidden";
        }
        Names names = new Names();
        String last = batchNormalization(graph, names, "dense_hidden");
        return norm == BatchNormPlacement.BEFORE_ACTIVATION ? relu(graph, names, last) : last;
    }

    private static String suffix(int i) {
        return i == 0 ? "" : "_" + i;
    }
}
