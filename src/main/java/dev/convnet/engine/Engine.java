package dev.convnet.engine;

import dev.convnet.platform.NativeRuntime;
import java.util.Locale;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** Which code runs training and inference; {@link #open} is the one place that decides. */
public enum Engine {
    /** oneDNN directly where the network allows it, DL4J's own code otherwise. */
    AUTO,
    /** Our oneDNN path (see {@code OneDnnNetwork}); an error if the network has layers it does not run. */
    ONEDNN,
    /** DL4J's {@code ComputationGraph.fit} and {@code output}, with its oneDNN layer helpers. */
    DL4J;

    /** The name on the command line, e.g. {@code onednn}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A backend for {@code graph} on this engine; {@code batch} is the usual batch size (the oneDNN
     * path prepares for it first). Call {@link NativeRuntime#start()} before.
     *
     * @throws EngineUnavailableException for {@link #ONEDNN} when the network or the ND4J backend
     *     does not allow it, saying why
     */
    public Backend open(ComputationGraph graph, int batch) {
        return open(graph, batch, Precision.FP32);
    }

    /**
     * As {@link #open(ComputationGraph, int)}, training in {@code precision}; anything but float32
     * needs the oneDNN engine.
     *
     * @throws EngineUnavailableException also when {@code precision} cannot run here, saying why
     */
    public Backend open(ComputationGraph graph, int batch, Precision precision) {
        return open(graph, batch, precision, true);
    }

    /**
     * A backend for inference alone ({@link Backend#infer}): on oneDNN, forward_inference plans for
     * the powers of two up to {@code maxBatch}, and no training buffers.
     *
     * @throws EngineUnavailableException as {@link #open(ComputationGraph, int, Precision)}
     */
    public Backend openForInference(ComputationGraph graph, int maxBatch, Precision precision) {
        return open(graph, maxBatch, precision, false);
    }

    private Backend open(ComputationGraph graph, int batch, Precision precision, boolean training) {
        if (precision != Precision.FP32 && this == DL4J) {
            throw EngineUnavailableException.namingItsOption("--precision " + precision.id() + " needs the oneDNN engine: use --engine auto or onednn");
        }
        InputShape shape = InputShape.of(graph);
        int classes = (int) ((FeedForwardLayer) graph.getOutputLayer(0).conf().getLayer()).getNOut();
        if (this == DL4J) {
            return new Dl4jBackend(graph, shape, classes);
        }
        if (!NativeRuntime.cpuBackend()) {
            if (this == ONEDNN) {
                throw new EngineUnavailableException("the oneDNN engine needs ND4J's CPU backend");
            }
            return new Dl4jBackend(graph, shape, classes);
        }
        OneDnnBuild build = OneDnnNetwork.of(graph, shape.channels(), shape.height(), shape.width(), batch, precision,
                true, training);
        if (build instanceof OneDnnBuild.Built built) {
            return new OneDnnBackend(graph, built.network(), shape, classes);
        }
        String reason = ((OneDnnBuild.Declined) build).reason();
        if (this == AUTO && precision == Precision.FP32 && reason.startsWith("oneDNN ")) {
            // A reference kernel, not a layer the engine does not run: the engine's name says why.
            return new Dl4jBackend(graph, shape, classes, reason);
        }
        if (this == ONEDNN) {
            throw new EngineUnavailableException("the oneDNN engine cannot run this network: " + reason);
        }
        if (precision != Precision.FP32) { // --engine auto: the precision asked for the oneDNN engine
            throw EngineUnavailableException.namingItsOption("--precision " + precision.id() + " needs the oneDNN engine, which"
                    + " cannot run this network (" + reason + "): use --precision fp32");
        }
        return new Dl4jBackend(graph, shape, classes);
    }

    /** Reads {@code auto}, {@code onednn} or {@code dl4j}, in any case. */
    public static Engine fromId(String id) {
        for (Engine e : values()) {
            if (e.id().equalsIgnoreCase(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + id + "' (choose auto, onednn or dl4j)");
    }
}
