package dev.convnet.engine;

import dev.convnet.data.LabeledImages;

/**
 * One training batch: the images {@code order[from..to)} of {@code data}, where {@code order} is
 * the epoch's shuffled order. Passing the order instead of copied images lets each engine gather
 * the pixels its own way (oneDNN straight into its input buffer).
 */
public record Batch(LabeledImages data, int[] order, int from, int to) {
    public Batch {
        if (from < 0 || to > order.length || from >= to) {
            throw new IllegalArgumentException("empty or out-of-range batch " + from + ".." + to + " of " + order.length);
        }
    }

    public int size() {
        return to - from;
    }
}
