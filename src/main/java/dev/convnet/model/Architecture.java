package dev.convnet.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which network to build: the book's convnet (listing 8-1) and its chapter-8 variations, or the
 * chapter-2 dense network. The defaults are exactly listing 8-1.
 *
 * @param type {@code convnet} or {@code dense}
 * @param filters filters of each convolution; a 2x2 max pooling follows every one but the last
 * @param kernel square kernel size of the convolutions
 * @param strides stride of the convolutions
 * @param padding {@code valid} (no padding) or {@code same} (output size = ceil(input / stride))
 */
public record Architecture(String type, List<Integer> filters, int kernel, int strides, String padding) {
    public static final Architecture BOOK = new Architecture("convnet", List.of(32, 64, 128), 3, 1, "valid");
    public static final int DENSE_UNITS = 512;

    public Architecture {
        type = type.toLowerCase(Locale.ROOT);
        padding = padding.toLowerCase(Locale.ROOT);
        filters = List.copyOf(filters);
        if (!type.equals("convnet") && !type.equals("dense")) {
            throw new IllegalArgumentException("unknown model '" + type + "' (choose convnet or dense)");
        }
        if (!padding.equals("valid") && !padding.equals("same")) {
            throw new IllegalArgumentException("unknown padding '" + padding + "' (choose valid or same)");
        }
        if (filters.isEmpty() || filters.stream().anyMatch(f -> f < 1 || f > 4096)) {
            throw new IllegalArgumentException("--filters needs 1 to 4096 filters per layer, e.g. 32,64,128");
        }
        if (kernel < 1 || kernel > 28 || strides < 1 || strides > 28) {
            throw new IllegalArgumentException("--kernel and --strides must be between 1 and 28");
        }
    }

    public boolean isDense() {
        return type.equals("dense");
    }

    public boolean samePadding() {
        return padding.equals("same");
    }

    /**
     * The side length of the feature maps after each convolution and pooling, from a {@code size}
     * input; throws IllegalArgumentException naming the layer where a map would shrink below 1x1.
     */
    public List<Integer> featureMapSizes(int size) {
        List<Integer> sizes = new ArrayList<>();
        int s = size;
        for (int i = 0; i < filters.size(); i++) {
            int out = samePadding() ? (s + strides - 1) / strides : (s < kernel ? 0 : (s - kernel) / strides + 1);
            if (out < 1) {
                throw new IllegalArgumentException(String.format(
                        "convolution %d gets a %dx%d input, smaller than its %dx%d kernel: use fewer --filters, "
                                + "--padding same, a smaller --kernel or --strides", i + 1, s, s, kernel, kernel));
            }
            sizes.add(out);
            s = out;
            if (i < filters.size() - 1) {
                if (s < 2) {
                    throw new IllegalArgumentException(String.format(
                            "the pooling after convolution %d gets a %dx%d input and would leave nothing: use fewer "
                                    + "--filters, --padding same, a smaller --kernel or --strides", i + 1, s, s));
                }
                s = s / 2;
                sizes.add(s);
            }
        }
        return sizes;
    }

    /** How the architecture reads on one line, e.g. {@code convnet 32,64,128 k3 s1 valid}. */
    public String describe() {
        return isDense() ? "dense 512" : String.format(Locale.ROOT, "convnet %s k%d s%d %s",
                String.join(",", filters.stream().map(String::valueOf).toList()), kernel, strides, padding);
    }
}
