package dev.convnet.data;

import java.util.List;

/** The MNIST-format datasets convnet knows, with the names of their ten classes. */
public enum Dataset {
    MNIST("mnist", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
    FASHION_MNIST("fashion-mnist", List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));

    private final String id;
    private final List<String> classNames;

    Dataset(String id, List<String> classNames) {
        this.id = id;
        this.classNames = classNames;
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
