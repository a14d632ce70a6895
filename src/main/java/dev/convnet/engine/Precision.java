package dev.convnet.engine;

import java.util.Locale;

/** The number format the oneDNN engine trains in. */
public enum Precision {
    /** Float32 everywhere, as DL4J computes. */
    FP32,
    /**
     * Convolutions, pooling and their gradients in bfloat16, with float32 master weights, weight
     * gradients, RMSprop state, dense layer and loss. Needs a CPU with AVX512_BF16.
     */
    BF16;

    /** The name on the command line, e.g. {@code bf16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code fp32} or {@code bf16}, in any case. */
    public static Precision fromId(String id) {
        for (Precision p : values()) {
            if (p.id().equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + id + "' (choose fp32 or bf16)");
    }

    /** Why this CPU cannot train in this precision, or null when it can. */
    public String unavailableReason() {
        if (this == BF16 && !Dnnl.hasBf16()) {
            return "--precision bf16 needs a CPU with AVX512_BF16 (oneDNN runs at " + Dnnl.isaName()
                    + " here): use --precision fp32";
        }
        return null;
    }
}
