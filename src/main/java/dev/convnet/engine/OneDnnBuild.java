package dev.convnet.engine;

/** What {@link OneDnnNetwork#of} made of a graph: a ready network, or why this engine cannot run it. */
public sealed interface OneDnnBuild {

    /** The oneDNN twin of the graph, with its weights and optimiser state loaded. */
    record Built(OneDnnNetwork network) implements OneDnnBuild {
    }

    /** The graph has something the engine does not run; {@code reason} says what, in one line. */
    record Declined(String reason) implements OneDnnBuild {
    }

    /** The network, or an IllegalStateException with the reason (for callers that know it is supported). */
    default OneDnnNetwork orElseThrow() {
        if (this instanceof Built built) {
            return built.network();
        }
        throw new IllegalStateException("the oneDNN engine cannot run this network: " + ((Declined) this).reason());
    }
}
