package dev.convnet.model;

/** The two networks of the book: chapter 8's convnet and chapter 2's dense network. */
public enum ModelType {
    CONVNET, DENSE;

    /** The name on the command line and in run records. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ModelType fromId(String id) {
        for (ModelType t : values()) {
            if (t.id().equalsIgnoreCase(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown model '" + id + "' (choose convnet or dense)");
    }
}
