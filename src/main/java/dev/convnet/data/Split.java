package dev.convnet.data;

/** The two halves every MNIST-format dataset ships: 60,000 training and 10,000 test images. */
public enum Split {
    TRAIN("train"), TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    String imagesFile() {
        return filePrefix + "-images-idx3-ubyte";
    }

    String labelsFile() {
        return filePrefix + "-labels-idx1-ubyte";
    }
}
