package dev.convnet.train;

/** Which code runs training and inference. */
public enum Engine {
    /** oneDNN directly where the network allows it, DL4J's own code otherwise. */
    AUTO,
    /** Our oneDNN path (see {@code OneDnnNetwork}); an error if the network has layers it does not run. */
    ONEDNN,
    /** DL4J's {@code ComputationGraph.fit} and {@code output}, with its oneDNN layer helpers. */
    DL4J
}
