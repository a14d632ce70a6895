package dev.convnet.data;

import java.util.Arrays;

/**
 * The contents of one IDX file of unsigned bytes: its dimensions and its data, row-major.
 * MNIST uses two shapes: labels {@code [n]} and images {@code [n, rows, cols]}.
 */
public record IdxFile(String name, int[] dimensions, byte[] data) {

    /** Number of items: the size of the first dimension. */
    public int count() {
        return dimensions[0];
    }

    /** Number of values in one item (rows × cols for images, 1 for labels). */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < dimensions.length; i++) {
            size *= dimensions[i];
        }
        return size;
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(dimensions);
    }
}
