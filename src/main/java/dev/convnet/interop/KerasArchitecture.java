package dev.convnet.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convnet.data.MnistLoader;
import dev.convnet.model.Architecture;
import dev.convnet.model.ModelType;
import dev.convnet.model.Padding;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Maps a Keras model config onto the {@link Architecture} convnet builds itself: listing 8-1 and its
 * variants (filters, kernel, strides, padding) or the chapter-2 dense network. Anything else gets
 * one line saying what does not fit.
 *
 * @param architecture what convnet builds
 * @param weighted the Keras names of the Conv2D and Dense layers, in order (their keys in a legacy .h5)
 */
record KerasArchitecture(Architecture architecture, List<String> weighted) {
    /**
     * Where Keras 3 keeps the weights of the i-th weighted layer in a .keras file: not under the
     * layer's name but under its class name in snake case, numbered per class in layer order
     * (conv2d, conv2d_1, …, dense, dense_1), as saving_lib does so that names need not match.
     */
    String savePath(int i) {
        int convs = architecture.isDense() ? 0 : architecture.filters().size();
        int k = i < convs ? i : i - convs;
        return (i < convs ? "conv2d" : "dense") + (k == 0 ? "" : "_" + k);
    }

    static final Set<String> SUPPORTED = Set.of("InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dense");
    private static final String PATTERN = "convnet builds Conv2D, then (MaxPooling2D, Conv2D) repeated, Flatten, "
            + "Dense(10, softmax) as in listing 8-1, or Flatten, Dense(512, relu), Dense(10, softmax)";

    KerasArchitecture {
        weighted = List.copyOf(weighted);
    }

    static KerasArchitecture of(String file, KerasConfig config) {
        List<KerasLayer> layers = config.layers();
        Set<String> unsupported = new LinkedHashSet<>();
        for (KerasLayer layer : layers) {
            if (!SUPPORTED.contains(canonical(layer.className())) || layer.className().equals("InputLayer")) {
                unsupported.add(layer.toString());
            }
        }
        if (!unsupported.isEmpty()) {
            throw new InteropException(file + ": unsupported Keras " + (unsupported.size() == 1 ? "layer " : "layers ")
                    + String.join(", ", unsupported) + "; convnet builds Conv2D, MaxPooling2D, Flatten and Dense "
                    + "(listing 8-1 and its variants)");
        }
        checkInput(file, config.inputShape(), layers);
        if (layers.isEmpty()) {
            throw new InteropException(file + ": the Keras model has no layers");
        }
        return is(layers.get(0), "Conv2D") ? convnet(file, layers) : dense(file, config.inputShape(), layers);
    }

    private static void checkInput(String file, List<Integer> shape, List<KerasLayer> layers) {
        int size = MnistLoader.IMAGE_SIZE;
        boolean image = shape.equals(List.of(size, size, 1)) || shape.equals(List.of(size, size));
        boolean flat = shape.equals(List.of(size * size));
        boolean startsWithDense = !layers.isEmpty() && is(layers.get(0), "Dense");
        if (!(image && !startsWithDense) && !(flat && startsWithDense)) {
            throw new InteropException(file + ": the model's input shape is " + describe(shape)
                    + "; convnet models take 28x28x1 greyscale images (MNIST), shape (28, 28, 1)");
        }
    }

    private static KerasArchitecture convnet(String file, List<KerasLayer> layers) {
        List<Integer> filters = new ArrayList<>();
        List<String> weighted = new ArrayList<>();
        KerasLayer first = layers.get(0);
        int kernel = square(file, first, "kernel_size");
        int strides = square(file, first, "strides");
        String padding = first.config().path("padding").asText("valid");
        int i = 0;
        while (true) {
            KerasLayer conv = layers.get(i);
            checkConv(file, conv, first, kernel, strides, padding);
            filters.add(positive(file, conv, "filters"));
            weighted.add(conv.name());
            if (i + 1 >= layers.size()) {
                throw pattern(file, "the model ends after " + conv);
            }
            KerasLayer next = layers.get(i + 1);
            if (is(next, "Flatten")) {
                i += 2;
                break;
            }
            if (!is(next, "MaxPooling2D") || i + 2 >= layers.size() || !is(layers.get(i + 2), "Conv2D")) {
                throw pattern(file, next + " follows " + conv.name());
            }
            checkPool(file, next);
            i += 2;
        }
        if (i != layers.size() - 1) {
            throw pattern(file, i >= layers.size() ? "nothing follows the Flatten layer"
                    : "after Flatten come " + layers.subList(i, layers.size()));
        }
        KerasLayer out = layers.get(i);
        checkDense(file, out, MnistLoader.CLASSES, "softmax");
        weighted.add(out.name());
        return new KerasArchitecture(architecture(file, filters, kernel, strides, padding), weighted);
    }

    private static KerasArchitecture dense(String file, List<Integer> inputShape, List<KerasLayer> layers) {
        int start = is(layers.get(0), "Flatten") ? 1 : 0;
        if (layers.size() != start + 2 || !is(layers.get(start), "Dense") || !is(layers.get(start + 1), "Dense")) {
            throw pattern(file, "its layers are " + layers);
        }
        checkDense(file, layers.get(start), Architecture.DENSE_UNITS, "relu");
        checkDense(file, layers.get(start + 1), MnistLoader.CLASSES, "softmax");
        Architecture arch = new Architecture(ModelType.DENSE, Architecture.BOOK.filters(), Architecture.BOOK.kernel(),
                Architecture.BOOK.strides(), Architecture.BOOK.padding());
        return new KerasArchitecture(arch, List.of(layers.get(start).name(), layers.get(start + 1).name()));
    }

    private static void checkConv(String file, KerasLayer conv, KerasLayer first, int kernel, int strides, String padding) {
        JsonNode c = conv.config();
        if (square(file, conv, "kernel_size") != kernel || square(file, conv, "strides") != strides
                || !c.path("padding").asText("valid").equals(padding)) {
            throw new InteropException(file + ": " + conv.name() + " has kernel " + square(file, conv, "kernel_size")
                    + ", strides " + square(file, conv, "strides") + ", padding " + c.path("padding").asText("valid")
                    + " but " + first.name() + " has " + kernel + ", " + strides + ", " + padding
                    + "; convnet uses one kernel size, stride and padding for all convolutions");
        }
        if (!padding.equals("valid") && !padding.equals("same")) {
            throw new InteropException(file + ": " + conv.name() + " has padding '" + padding + "'; convnet pads 'valid' or 'same'");
        }
        requireText(file, conv, "activation", "relu");
        requireChannelsLast(file, conv);
        if (!c.path("use_bias").asBoolean(true) || square(file, conv, "dilation_rate") != 1 || c.path("groups").asInt(1) != 1) {
            throw new InteropException(file + ": " + conv.name() + " uses no bias, dilation or groups; "
                    + "convnet's convolutions have a bias, no dilation and one group");
        }
    }

    private static void checkPool(String file, KerasLayer pool) {
        JsonNode c = pool.config();
        boolean defaultStrides = c.path("strides").isNull() || c.path("strides").isMissingNode();
        if (square(file, pool, "pool_size") != 2 || (!defaultStrides && square(file, pool, "strides") != 2)
                || !c.path("padding").asText("valid").equals("valid")) {
            throw new InteropException(file + ": " + pool.name() + " is not MaxPooling2D(2) with valid padding, "
                    + "the only pooling convnet builds");
        }
        requireChannelsLast(file, pool);
    }

    private static void checkDense(String file, KerasLayer dense, int units, String activation) {
        int actual = positive(file, dense, "units");
        if (actual != units) {
            throw new InteropException(file + ": " + dense.name() + " has " + actual + " units; convnet's "
                    + (activation.equals("softmax") ? "output layer has " + units + " (the 10 classes)"
                    : "dense model has " + units + " hidden units, as in chapter 2"));
        }
        requireText(file, dense, "activation", activation);
        if (!dense.config().path("use_bias").asBoolean(true)) {
            throw new InteropException(file + ": " + dense.name() + " has no bias; convnet's Dense layers have one");
        }
    }

    private static void requireChannelsLast(String file, KerasLayer layer) {
        JsonNode format = layer.config().path("data_format");
        if (!format.isMissingNode() && !format.isNull() && !format.asText().equals("channels_last")) {
            throw new InteropException(file + ": " + layer.name() + " is " + format.asText()
                    + "; convnet reads Keras models in the default channels_last format");
        }
    }

    private static void requireText(String file, KerasLayer layer, String key, String expected) {
        JsonNode value = layer.config().path(key);
        if (!value.isTextual() || !value.asText().equals(expected)) {
            throw new InteropException(file + ": " + layer.name() + " has " + key + " " + value
                    + "; convnet expects '" + expected + "' there");
        }
    }

    /** An int or a square pair such as [3, 3]; InteropException for anything else. */
    private static int square(String file, KerasLayer layer, String key) {
        JsonNode value = layer.config().path(key);
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            return value.asInt();
        }
        if (value.isArray() && value.size() == 2 && value.get(0).isIntegralNumber() && value.get(0).canConvertToInt()
                && value.get(0).asInt() == value.get(1).asInt() && value.get(1).isIntegralNumber()) {
            return value.get(0).asInt();
        }
        if (value.isMissingNode() && key.equals("dilation_rate")) {
            return 1;
        }
        if (value.isMissingNode() && key.equals("strides")) {
            return 1;
        }
        throw new InteropException(file + ": " + layer.name() + " has " + key + " " + value
                + "; convnet needs square " + key.replace('_', ' ') + "s such as 3 or [3, 3]");
    }

    private static int positive(String file, KerasLayer layer, String key) {
        JsonNode value = layer.config().path(key);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            throw new InteropException(file + ": " + layer.name() + " has " + key + " " + value + "; expected a positive number");
        }
        return value.asInt();
    }

    private static Architecture architecture(String file, List<Integer> filters, int kernel, int strides, String padding) {
        try {
            Architecture arch = new Architecture(ModelType.CONVNET, filters, kernel, strides, Padding.fromId(padding));
            arch.featureMapSizes(MnistLoader.IMAGE_SIZE);
            return arch;
        } catch (IllegalArgumentException e) {
            throw new InteropException(file + ": " + e.getMessage(), e);
        }
    }

    private static InteropException pattern(String file, String what) {
        return new InteropException(file + ": " + what + "; " + PATTERN);
    }

    private static boolean is(KerasLayer layer, String className) {
        return canonical(layer.className()).equals(className);
    }

    /** Keras' aliases (MaxPool2D, Convolution2D) under one name. */
    private static String canonical(String className) {
        return switch (className) {
            case "MaxPool2D" -> "MaxPooling2D";
            case "Convolution2D" -> "Conv2D";
            default -> className;
        };
    }

    private static String describe(List<Integer> shape) {
        List<String> dims = shape.stream().map(d -> d < 0 ? "None" : String.valueOf(d)).toList();
        return "(" + String.join(", ", dims) + (dims.size() == 1 ? ",)" : ")");
    }
}
