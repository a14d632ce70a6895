package dev.convnet.interop;

import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Keras model read into what convnet builds: its {@link Architecture} and the weights of its
 * Conv2D and Dense layers (still in Keras' layout), with where it came from.
 *
 * @param architecture the network convnet builds for it
 * @param weights kernel and bias of each Conv2D and Dense layer, in order
 * @param source the file, its format, Keras version and SHA-256
 * @param notes what the import changed, for the run record: {@code imported.softmax} (added after
 *     logits), {@code imported.folded}, {@code imported.identity_at_inference}, {@code imported.dropout},
 *     {@code imported.augmentation} (the settings of Keras' random augmentation layers),
 *     {@code imported.batch_norm} (BatchNormalization kept as layers)
 * @param batchNorms the BatchNormalization layers kept for fine-tuning, in the graph's order (the
 *     architecture's {@link Architecture#batchNorms()} says where each sits); empty where all are folded
 */
public record KerasModel(Architecture architecture, List<LayerWeights> weights, KerasSource source,
                         Map<String, String> notes, List<BatchNormWeights> batchNorms) {
    /** RMSprop at Keras' default rate, the book's optimiser: what an imported model fine-tunes with by default. */
    static final Hyperparameters FINE_TUNING = new Hyperparameters(Hyperparameters.DEFAULT_LEARNING_RATE, 1);

    /**
     * One layer's weights in Keras' layout, row-major.
     *
     * @param kerasName the layer's name in the Keras model
     * @param kernel {@code [kh, kw, in, out]} for Conv2D, {@code [inputs, units]} for Dense
     * @param bias {@code [units]}
     */
    public record LayerWeights(String kerasName, float[] kernel, float[] bias) {
    }

    /**
     * A BatchNormalization layer's variables as Keras keeps them, each {@code [channels]}, and its
     * settings: {@code y = gamma (x - mean) / sqrt(variance + epsilon) + beta} at inference; in
     * training the batch's statistics, the moving ones updated by {@code momentum}.
     */
    public record BatchNormWeights(String kerasName, float[] gamma, float[] beta, float[] movingMean, float[] movingVariance,
                                   double momentum, double epsilon) {
    }

    public KerasModel {
        weights = List.copyOf(weights);
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
        batchNorms = List.copyOf(batchNorms);
    }

    /** A model whose BatchNormalization layers, if any, are folded into its weights. */
    public KerasModel(Architecture architecture, List<LayerWeights> weights, KerasSource source, Map<String, String> notes) {
        this(architecture, weights, source, notes, List.of());
    }

    /** The graph's configuration (no native code), e.g. for summary. */
    public ComputationGraphConfiguration configuration() {
        return configuration(FINE_TUNING);
    }

    /** convnet's graph for the architecture, its BatchNormalization layers with the Keras model's momentum and epsilon. */
    private ComputationGraphConfiguration configuration(Hyperparameters hp) {
        ComputationGraphConfiguration conf = ConvNetModel.configuration(architecture, hp);
        List<String> norms = batchNormLayers(conf);
        for (int i = 0; i < batchNorms.size() && i < norms.size(); i++) {
            BatchNormalization layer = (BatchNormalization) ((LayerVertex) conf.getVertices().get(norms.get(i)))
                    .getLayerConf().getLayer();
            layer.setDecay(batchNorms.get(i).momentum()); // DL4J's decay is Keras' momentum
            layer.setEps(batchNorms.get(i).epsilon());
        }
        return conf;
    }

    /** The graph's BatchNormalization layers, in order: {@link ConvNetModel} names them as Keras does. */
    private static List<String> batchNormLayers(ComputationGraphConfiguration conf) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; conf.getVertices().get(i == 0 ? "batch_normalization" : "batch_normalization_" + i) instanceof LayerVertex v
                && v.getLayerConf().getLayer() instanceof BatchNormalization; i++) {
            names.add(i == 0 ? "batch_normalization" : "batch_normalization_" + i);
        }
        return names;
    }

    /**
     * The same ComputationGraph convnet builds for this architecture (NCHW, RMSprop), with the Keras
     * weights moved into DL4J's layouts. Needs ND4J's native backend.
     */
    public ComputationGraph toGraph() {
        return toGraph(FINE_TUNING);
    }

    /** {@link #toGraph()} with another optimiser for fine-tuning. */
    public ComputationGraph toGraph(Hyperparameters hp) {
        ComputationGraphConfiguration conf = configuration(hp);
        NetworkChain chain = NetworkChain.of(conf);
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        List<ChainLayer> layers = chain.weighted();
        for (int i = 0; i < layers.size(); i++) {
            chain.setFromKeras(graph, layers.get(i), weights.get(i).kernel(), weights.get(i).bias());
        }
        List<String> norms = batchNormLayers(conf);
        for (int i = 0; i < batchNorms.size(); i++) {
            BatchNormWeights bn = batchNorms.get(i);
            org.deeplearning4j.nn.api.Layer layer = graph.getLayer(norms.get(i));
            set(layer, "gamma", bn.gamma());
            set(layer, "beta", bn.beta());
            set(layer, "mean", bn.movingMean());
            set(layer, "var", bn.movingVariance()); // useLogStd(false): the variance itself, as Keras keeps it
        }
        return graph;
    }

    private static void set(org.deeplearning4j.nn.api.Layer layer, String key, float[] values) {
        layer.setParam(key, Nd4j.create(values, layer.getParam(key).shape(), 'c'));
    }
}
