package dev.convnet.interop;

import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A Keras model read into what convnet builds: its {@link Architecture} and the weights of its
 * Conv2D and Dense layers (still in Keras' layout), with where it came from.
 *
 * @param architecture the network convnet builds for it
 * @param weights kernel and bias of each Conv2D and Dense layer, in order
 * @param source the file, its format, Keras version and SHA-256
 * @param notes what the import changed, for the run record: {@code imported.softmax} (added after
 *     logits), {@code imported.folded}, {@code imported.identity_at_inference}, {@code imported.dropout},
 *     {@code imported.augmentation} (the settings of Keras' random augmentation layers)
 */
public record KerasModel(Architecture architecture, List<LayerWeights> weights, KerasSource source,
                         Map<String, String> notes) {
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

    public KerasModel {
        weights = List.copyOf(weights);
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    /** The graph's configuration (no native code), e.g. for summary. */
    public ComputationGraphConfiguration configuration() {
        return ConvNetModel.configuration(architecture, FINE_TUNING);
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
        ComputationGraphConfiguration conf = ConvNetModel.configuration(architecture, hp);
        NetworkChain chain = NetworkChain.of(conf);
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        List<ChainLayer> layers = chain.weighted();
        for (int i = 0; i < layers.size(); i++) {
            chain.setFromKeras(graph, layers.get(i), weights.get(i).kernel(), weights.get(i).bias());
        }
        return graph;
    }
}
