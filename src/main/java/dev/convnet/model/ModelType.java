package dev.convnet.model;

/** The two networks of the book: chapter 8's convnet and chapter 2's dense network. */
public enum ModelType {
    CONVNET, DENSE;

    /** The name on the command line and in run records. */
    public String id() {
        return EnumIds.id(this);
    }

    public static ModelType fromId(String id) {
        return EnumIds.fromId(values(), id, "unknown model '" + id + "' (choose convnet or dense)");
    }
}
