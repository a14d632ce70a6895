package dev.convnet.model;

import java.util.Locale;
import java.util.ArrayList;
import java.util.List;

/**
 * Which network to build: the book's convnet (listing 8-1) and its chapter-8 variations, or the
 * chapter-2 dense network. The defaults are exactly listing 8-1.
 *
 * @param filters filters of each convolution; a 2x2 max pooling follows every one but the last
 * @param kernel square kernel size of the convolutions
 * @param strides stride of the convolutions
 * @param poolLast a 2x2 max pooling after the last convolution too (the keras.io MNIST example)
 * @param dropout Keras' Dropout rate (the probability to drop) after Flatten, before the output
 *     layer; 0 for none
 * @param batchNorms where a BatchNormalization sits around each hidden weighted layer: one placement
 *     per convolution, or one for the dense model's hidden Dense; all {@link BatchNormPlacement#NONE}
 *     (an empty list reads as that) for none, all {@link BatchNormPlacement#BEFORE_ACTIVATION} for
 *     {@code --batch-norm}. {@link BatchNormPlacement#AFTER_POOLING} only where a pooling follows.
 */
public record Architecture(ModelType type, List<Integer> filters, int kernel, int strides, Padding padding,
                           boolean poolLast, double dropout, List<BatchNormPlacement> batchNorms) {
    public static final Architecture BOOK = new Architecture(ModelType.CONVNET, List.of(32, 64, 128), 3, 1, Padding.VALID);
    public static final int DENSE_UNITS = 512;
    public static final int MAX_FILTERS = 4096;
    public static final int MAX_KERNEL = 28;

    public Architecture {
        filters = List.copyOf(filters);
        if (filters.isEmpty() || filters.stream().anyMatch(f -> f < 1 || f > MAX_FILTERS)) {
            throw new IllegalArgumentException("each convolution needs 1 to " + MAX_FILTERS + " filters, e.g. 32,64,128");
        }
        if (kernel < 1 || kernel > MAX_KERNEL || strides < 1 || strides > MAX_KERNEL) {
            throw new IllegalArgumentException("kernel and strides must be between 1 and " + MAX_KERNEL);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("the dropout rate is the probability to drop a unit: at least 0 and below 1, got "
                    + dropout);
        }
        int hidden = type == ModelType.DENSE ? 1 : filters.size();
        batchNorms = batchNorms.isEmpty() ? java.util.Collections.nCopies(hidden, BatchNormPlacement.NONE) : List.copyOf(batchNorms);
        if (batchNorms.size() != hidden) {
            throw new IllegalArgumentException("one BatchNormalization placement per " + (type == ModelType.DENSE
                    ? "hidden Dense layer (1)" : "convolution (" + hidden + ")") + ", got " + batchNorms.size());
        }
        for (int i = 0; i < hidden; i++) {
            boolean pools = type != ModelType.DENSE && (i < filters.size() - 1 || poolLast);
            if (batchNorms.get(i) == BatchNormPlacement.AFTER_POOLING && !pools) {
                throw new IllegalArgumentException("BatchNormalization after the pooling of layer " + (i + 1)
                        + ", which has no pooling after it");
            }
        }
    }

    /** With BatchNormalization before every convolution's ReLU ({@code --batch-norm}), or none. */
    public Architecture(ModelType type, List<Integer> filters, int kernel, int strides, Padding padding,
                        boolean poolLast, double dropout, boolean batchNorm) {
        this(type, filters, kernel, strides, padding, poolLast, dropout, everyLayer(type, filters, batchNorm));
    }

    private static List<BatchNormPlacement> everyLayer(ModelType type, List<Integer> filters, boolean batchNorm) {
        return java.util.Collections.nCopies(type == ModelType.DENSE ? 1 : filters.size(),
                batchNorm ? BatchNormPlacement.BEFORE_ACTIVATION : BatchNormPlacement.NONE);
    }

    /** Without pooling after the last convolution, dropout or batch normalisation: listing 8-1's shape. */
    public Architecture(ModelType type, List<Integer> filters, int kernel, int strides, Padding padding) {
        this(type, filters, kernel, strides, padding, false, 0, List.of());
    }

    /** This architecture with a Dropout of {@code rate} after Flatten (0: none). */
    public Architecture withDropout(double rate) {
        return new Architecture(type, filters, kernel, strides, padding, poolLast, rate, batchNorms);
    }

    /** This architecture with (or without) BatchNormalization after every convolution, before its ReLU. */
    public Architecture withBatchNorm(boolean on) {
        return new Architecture(type, filters, kernel, strides, padding, poolLast, dropout, on);
    }

    /** This architecture with BatchNormalization placed per hidden weighted layer (see {@link #batchNorms}). */
    public Architecture withBatchNorms(List<BatchNormPlacement> placements) {
        return new Architecture(type, filters, kernel, strides, padding, poolLast, dropout, placements);
    }

    /** This architecture with (or without) a max pooling after the last convolution. */
    public Architecture withPoolLast(boolean on) {
        return new Architecture(type, filters, kernel, strides, padding, on, dropout, batchNorms);
    }

    /** Whether every convolution has a BatchNormalization before its ReLU: the {@code --batch-norm} network. */
    public boolean batchNorm() {
        return !isDense() && batchNorms.stream().allMatch(p -> p == BatchNormPlacement.BEFORE_ACTIVATION);
    }

    /** Whether any layer has a BatchNormalization. */
    public boolean hasBatchNorm() {
        return batchNorms.stream().anyMatch(p -> p != BatchNormPlacement.NONE);
    }

    /** Where the BatchNormalization of hidden weighted layer {@code i} (0-based) sits. */
    public BatchNormPlacement batchNormOf(int i) {
        return batchNorms.get(i);
    }

    /** Whether a 2x2 max pooling follows convolution {@code i} (0-based). */
    public boolean poolsAfter(int i) {
        return i < filters.size() - 1 || poolLast;
    }

    public boolean isDense() {
        return type == ModelType.DENSE;
    }

    public boolean samePadding() {
        return padding == Padding.SAME;
    }

    /**
     * The side length of the feature maps after each convolution and pooling, from a {@code size}
     * input; throws IllegalArgumentException naming the layer where a map would shrink below 1x1
     * (front ends add how to fix it in their own terms).
     */
    public List<Integer> featureMapSizes(int size) {
        List<Integer> sizes = new ArrayList<>();
        int s = size;
        for (int i = 0; i < filters.size(); i++) {
            int out = (int) OutputSize.convolution(s, kernel, strides, samePadding());
            if (out < 1) {
                throw new IllegalArgumentException(String.format(
                        "convolution %d gets a %dx%d input, smaller than its %dx%d kernel", i + 1, s, s, kernel, kernel));
            }
            sizes.add(out);
            s = out;
            if (poolsAfter(i)) {
                if (s < 2) {
                    throw new IllegalArgumentException(String.format(
                            "the pooling after convolution %d gets a %dx%d input and would leave nothing", i + 1, s, s));
                }
                s = (int) OutputSize.pooling(s, 2, 2);
                sizes.add(s);
            }
        }
        return sizes;
    }

    /**
     * How the architecture reads on one line, e.g. {@code convnet 32,64,128 k3 s1 valid}; run records
     * keep it. {@code batch-norm} alone is {@code --batch-norm} (before every ReLU, as since it
     * exists); other placements are listed per layer, e.g. {@code batch-norm after-relu,none,after-pool}.
     */
    public String describe() {
        String norms = batchNorm() ? " batch-norm" : hasBatchNorm()
                ? " batch-norm " + String.join(",", batchNorms.stream().map(BatchNormPlacement::id).toList()) : "";
        String base = isDense() ? "dense 512" + norms : String.format(Locale.ROOT, "convnet %s k%d s%d %s",
                String.join(",", filters.stream().map(String::valueOf).toList()), kernel, strides, padding.id())
                + (poolLast ? " pool-last" : "") + norms;
        return base + (dropout > 0 ? String.format(Locale.ROOT, " dropout %s", dropout) : "");
    }
}
