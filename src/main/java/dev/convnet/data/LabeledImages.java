package dev.convnet.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Images and their class labels as ND4J tensors, ready for the network.
 *
 * @param images float32 {@code [n, 1, 28, 28]} (NCHW), pixels scaled to [0, 1]
 * @param labels float32 {@code [n, 1]} holding class indices, as sparse cross-entropy expects
 * @param classes the integer class of each image, for evaluation
 */
public record LabeledImages(INDArray images, INDArray labels, int[] classes) {

    public int size() {
        return classes.length;
    }
}
