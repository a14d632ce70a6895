package dev.convnet.model;

/** Convolution padding, as Keras names it. */
public enum Padding {
    /** No padding: each convolution shrinks the map by kernel - 1. */
    VALID,
    /** Pad so that the output side is ceil(input / stride). */
    SAME;

    public String id() {
        return EnumIds.id(this);
    }

    public static Padding fromId(String id) {
        return EnumIds.fromId(values(), id, "unknown padding '" + id + "' (choose valid or same)");
    }
}
