package dev.convnet.data;

import java.util.List;

/** The MNIST-format datasets convnet knows, with the names of their ten classes. */
public enum Dataset {
    MNIST("mnist", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    FASHION_MNIST("fashion-mnist", List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private final String id;
    private final List<String> classNames;
    /** SHA-256 of the published t10k-labels-idx1-ubyte, uncompressed (the bytes inside its .gz). */
    private final String testLabelsSha256;

    Dataset(String id, List<String> classNames, String testLabelsSha256) {
        this.id = id;
        this.classNames = classNames;
        this.testLabelsSha256 = testLabelsSha256;
    }

    /**
     * The published dataset whose test labels these are ({@link MnistLoader#testLabelsSha256}), or
     * empty for any other (a subset, one's own IDX files).
     */
    public static java.util.Optional<Dataset> ofTestLabels(String sha256) {
        for (Dataset d : values()) {
            if (d.testLabelsSha256.equals(sha256)) {
                return java.util.Optional.of(d);
            }
        }
        return java.util.Optional.empty();
    }

    /** The name used on the command line and for its folder under data/. */
    public String id() {
        return id;
    }

    public List<String> classNames() {
        return classNames;
    }

    public static Dataset fromId(String id) {
        for (Dataset d : values()) {
            if (d.id.equalsIgnoreCase(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + id + "' (choose mnist or fashion-mnist)");
    }

    @Override
    public String toString() {
        return id;
    }
}
