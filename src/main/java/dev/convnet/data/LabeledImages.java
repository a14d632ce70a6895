package dev.convnet.data;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

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

    /** Images split in two at one index. */
    public record Parts(LabeledImages first, LabeledImages rest) {
    }

    /** The first {@code count} images and the rest, as views (no copy): Keras' validation_split. */
    public Parts splitAt(int count) {
        int n = size();
        return new Parts(
                new LabeledImages(images.get(NDArrayIndex.interval(0, count)), labels.get(NDArrayIndex.interval(0, count)),
                        java.util.Arrays.copyOfRange(classes, 0, count)),
                new LabeledImages(images.get(NDArrayIndex.interval(count, n)), labels.get(NDArrayIndex.interval(count, n)),
                        java.util.Arrays.copyOfRange(classes, count, n)));
    }

    /** A copy of image {@code index}'s pixels, channel after channel, row after row. */
    public float[] image(int index) {
        int pixels = (int) (images.length() / Math.max(1, size()));
        float[] out = new float[pixels];
        pixels().get(index * pixels, out);
        return out;
    }

    /** The pixels as a direct buffer over the tensor's own memory (no copy), image after image. */
    public FloatBuffer pixels() {
        FloatBuffer all = images.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return all.slice((int) images.offset(), (int) images.length());
    }
}
