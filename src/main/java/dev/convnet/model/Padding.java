package dev.convnet.model;

/** Convolution padding, as Keras names it. */
public enum Padding {
    /** No padding: each convolution shrinks the map by kernel - 1. */
    VALID,
    /** Pad so that the output side is ceil(input / stride). */
    SAME;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Padding fromId(String id) {
        for (Padding p : values()) {
            if (p.id().equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown padding '" + id + "' (choose valid or same)");
    }
}
