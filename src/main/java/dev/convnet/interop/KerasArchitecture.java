package dev.convnet.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convnet.data.MnistLoader;
import dev.convnet.model.Architecture;
import dev.convnet.model.BatchNormPlacement;
import dev.convnet.model.ModelType;
import dev.convnet.model.Padding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a Keras model config onto the {@link Architecture} convnet builds itself: listing 8-1 and its
 * variants (filters, kernel, strides, padding, a pooling after the last convolution, Dropout before
 * the output) or the chapter-2 dense network. Anything else gets one line saying what does not fit.
 *
 * <p>Keras models spell the same network in several ways; {@link KerasSpellings} first reduces
 * them to the plain chain (a Conv2D with its activation, BatchNormalization to fold, layers that are
 * the identity at inference), which is then matched here.
 *
 * @param architecture what convnet builds
 * @param weighted the Conv2D and Dense layers, in order, with what is folded into each
 * @param inputScaling what the first weighted layer's input is, relative to convnet's pixels / 255
 * @param notes what the run record says about the import (softmax added, layers dropped, ...)
 */
record KerasArchitecture(Architecture architecture, List<Weighted> weighted, InputScaling inputScaling,
                         Map<String, String> notes) {

    /**
     * A Conv2D or Dense layer and where its weights are.
     *
     * @param name the layer's name (its group in a legacy .h5)
     * @param savePath its group in a .keras file's model.weights.h5
     * @param bias whether it has a bias (else zeros)
     * @param batchNorm the BatchNormalization right after it (folded into it), or null
     * @param inputNorm a BatchNormalization on its input (after a ReLU, pooling or Flatten), or null
     */
    record Weighted(String name, String savePath, boolean bias, BatchNorm batchNorm, InputNorm inputNorm) {
    }

    /**
     * A BatchNormalization on a weighted layer's input: folded into its kernel for inference, or
     * kept as a layer when fine-tuning where convnet's graph has a place for it.
     *
     * @param throughPool a max pooling lies between (the fold needs a positive scale per channel)
     * @param beforeFlatten it normalises a map's channels, flattened before the Dense that takes it
     * @param owner the hidden weighted layer (convolution, or the dense model's hidden Dense) it
     *     follows, 0-based, where {@code placement} says; -1 where it follows none
     * @param placement {@link BatchNormPlacement#AFTER_ACTIVATION} right after that layer's ReLU,
     *     {@link BatchNormPlacement#AFTER_POOLING} after the pooling after it, or
     *     {@link BatchNormPlacement#NONE} where convnet's graph has no place for it (after Flatten)
     */
    record InputNorm(BatchNorm batchNorm, boolean throughPool, boolean beforeFlatten, int owner, BatchNormPlacement placement) {
    }

    /**
     * A BatchNormalization layer to fold: {@code y = gamma (x - mean) / sqrt(variance + epsilon) + beta}.
     *
     * @param center whether it has beta (else 0); @param scale whether it has gamma (else 1)
     */
    record BatchNorm(String name, String savePath, double epsilon, double momentum, boolean center, boolean scale) {
    }

    /**
     * The model's input as a function of convnet's input {@code x} (pixels / 255):
     * {@code scale * x + offset}. {@link #IDENTITY} for models that take pixels / 255.
     */
    record InputScaling(double scale, double offset) {
        static final InputScaling IDENTITY = new InputScaling(1, 0);

        boolean isIdentity() {
            return this.equals(IDENTITY);
        }
    }

    /** The weighted layer names, in order (for messages and tests). */
    List<String> weightedNames() {
        return weighted.stream().map(Weighted::name).toList();
    }

    private static final String PATTERN = "convnet builds Conv2D, then (MaxPooling2D, Conv2D) repeated, Flatten, "
            + "Dense(10, softmax) as in listing 8-1, or Flatten, Dense(512, relu), Dense(10, softmax)";

    KerasArchitecture {
        weighted = List.copyOf(weighted);
        notes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notes));
    }

    static KerasArchitecture of(String file, KerasConfig config) {
        KerasSpellings.Chain chain = KerasSpellings.reduce(file, config);
        List<KerasSpellings.Step> steps = chain.steps();
        checkInput(file, chain.inputShape(), steps);
        if (steps.isEmpty()) {
            throw new InteropException(file + ": the Keras model has no layers");
        }
        Map<String, Integer> counts = new HashMap<>();
        Map<KerasLayer, String> paths = new HashMap<>();
        for (KerasLayer layer : config.layers()) {
            String snake = snakeCase(layer.className());
            int n = counts.merge(snake, 1, Integer::sum) - 1;
            paths.put(layer, snake + (n == 0 ? "" : "_" + n));
        }
        return steps.get(0).is("Conv2D") ? convnet(file, steps, paths, chain)
                : dense(file, chain.inputShape(), steps, paths, chain);
    }

    private static void checkInput(String file, List<Integer> shape, List<KerasSpellings.Step> steps) {
        int size = MnistLoader.IMAGE_SIZE;
        boolean image = shape.equals(List.of(size, size, 1)) || shape.equals(List.of(size, size));
        boolean flat = shape.equals(List.of(size * size));
        boolean startsWithDense = !steps.isEmpty() && steps.get(0).is("Dense");
        if (!(image && !startsWithDense) && !(flat && startsWithDense)) {
            boolean channelsFirst = shape.equals(List.of(1, size, size));
            throw new InteropException(file + ": the model's input shape is " + describe(shape)
                    + (channelsFirst ? ", channels first (data_format='channels_first'); convnet reads channels_last models: build it on "
                        + "keras.Input((28, 28, 1)) with Keras' default data_format and train it again"
                        : "; convnet models take 28x28x1 greyscale images (MNIST), shape (28, 28, 1)"));
        }
    }

    private static KerasArchitecture convnet(String file, List<KerasSpellings.Step> steps, Map<KerasLayer, String> paths,
                                             KerasSpellings.Chain chain) {
        List<Integer> filters = new ArrayList<>();
        List<Weighted> weighted = new ArrayList<>();
        KerasLayer first = steps.get(0).layer();
        int kernel = square(file, first, "kernel_size");
        int strides = square(file, first, "strides");
        String padding = first.config().path("padding").asText("valid");
        boolean poolLast = false;
        Map<KerasLayer, Owner> owners = owners(steps);
        int i = 0;
        while (true) {
            KerasSpellings.Step conv = steps.get(i);
            checkConv(file, conv, first, kernel, strides, padding);
            filters.add(positive(file, conv.layer(), "filters"));
            weighted.add(weighted(conv, paths, owners));
            if (i + 1 >= steps.size()) {
                throw pattern(file, "the model ends after " + conv.layer());
            }
            KerasSpellings.Step next = steps.get(i + 1);
            if (next.is("Flatten")) {
                i += 2;
                break;
            }
            if (next.is("MaxPooling2D") && i + 2 < steps.size() && steps.get(i + 2).is("Flatten")) {
                checkPool(file, next.layer());
                poolLast = true; // the keras.io MNIST example pools after its last convolution too
                i += 3;
                break;
            }
            if (!next.is("MaxPooling2D") || i + 2 >= steps.size() || !steps.get(i + 2).is("Conv2D")) {
                throw pattern(file, next.layer() + " follows " + conv.layer().name());
            }
            checkPool(file, next.layer());
            i += 2;
        }
        if (i != steps.size() - 1) {
            throw pattern(file, i >= steps.size() ? "nothing follows the Flatten layer"
                    : "after Flatten come " + steps.subList(i, steps.size()).stream().map(s -> s.layer().toString()).toList());
        }
        KerasSpellings.Step out = steps.get(i);
        checkDense(file, out, MnistLoader.CLASSES, "softmax");
        weighted.add(weighted(out, paths, owners));
        if (chain.scaling().offset() != 0 && padding.equals("same")) {
            throw new InteropException(file + ": " + chain.scalingLayer() + " has offset " + chain.scalingLayer().config().path("offset")
                    + " before a convolution with padding 'same': the padded border would change, so convnet cannot fold it "
                    + "into the convolution; use an offset of 0 or padding 'valid'");
        }
        Architecture arch = architecture(file, filters, kernel, strides, padding).withPoolLast(poolLast)
                .withDropout(chain.dropoutBeforeOutput());
        checkSizes(file, arch);
        return new KerasArchitecture(arch, weighted, chain.scaling(), chain.notes());
    }

    private static KerasArchitecture dense(String file, List<Integer> inputShape, List<KerasSpellings.Step> steps,
                                           Map<KerasLayer, String> paths, KerasSpellings.Chain chain) {
        int start = steps.get(0).is("Flatten") ? 1 : 0;
        if (steps.size() != start + 2 || !steps.get(start).is("Dense") || !steps.get(start + 1).is("Dense")) {
            throw pattern(file, "its layers are " + steps.stream().map(s -> s.layer().toString()).toList());
        }
        checkDense(file, steps.get(start), Architecture.DENSE_UNITS, "relu");
        checkDense(file, steps.get(start + 1), MnistLoader.CLASSES, "softmax");
        Architecture arch = new Architecture(ModelType.DENSE, Architecture.BOOK.filters(), Architecture.BOOK.kernel(),
                Architecture.BOOK.strides(), Architecture.BOOK.padding()).withDropout(chain.dropoutBeforeOutput());
        Map<KerasLayer, Owner> owners = owners(steps);
        return new KerasArchitecture(arch, List.of(weighted(steps.get(start), paths, owners),
                weighted(steps.get(start + 1), paths, owners)), chain.scaling(), chain.notes());
    }

    private static Weighted weighted(KerasSpellings.Step step, Map<KerasLayer, String> paths, Map<KerasLayer, Owner> owners) {
        KerasSpellings.InputNorm in = step.inputNorm();
        Owner owner = in == null || in.after() == null ? null : owners.get(in.after());
        return new Weighted(step.layer().name(), paths.get(step.layer()), step.layer().config().path("use_bias").asBoolean(true),
                batchNorm(step.batchNorm(), paths),
                in == null ? null : new InputNorm(batchNorm(in.layer(), paths), in.throughPool(), in.beforeFlatten(),
                        owner == null ? -1 : owner.layer(), owner == null ? BatchNormPlacement.NONE : owner.placement()));
    }

    /** Where a BatchNormalization right after a step goes in convnet's graph: around hidden layer {@code layer}, as {@code placement}. */
    private record Owner(int layer, BatchNormPlacement placement) {
    }

    /**
     * For each step a BatchNormalization may follow and stay a layer: a hidden Conv2D or Dense (after
     * its activation), or the MaxPooling2D after a Conv2D (after the pooling). Not the output layer.
     */
    private static Map<KerasLayer, Owner> owners(List<KerasSpellings.Step> steps) {
        Map<KerasLayer, Owner> owners = new HashMap<>();
        int hidden = -1;
        for (int s = 0; s < steps.size(); s++) {
            KerasSpellings.Step step = steps.get(s);
            boolean output = s == steps.size() - 1;
            if (step.weighted() && !output) {
                hidden++;
                owners.put(step.layer(), new Owner(hidden, BatchNormPlacement.AFTER_ACTIVATION));
            } else if (step.is("MaxPooling2D") && s > 0 && steps.get(s - 1).is("Conv2D")) {
                owners.put(step.layer(), new Owner(hidden, BatchNormPlacement.AFTER_POOLING));
            }
        }
        return owners;
    }

    private static BatchNorm batchNorm(KerasLayer bn, Map<KerasLayer, String> paths) {
        return bn == null ? null : new BatchNorm(bn.name(), paths.get(bn), bn.config().path("epsilon").asDouble(1e-3),
                bn.config().path("momentum").asDouble(0.99), bn.config().path("center").asBoolean(true),
                bn.config().path("scale").asBoolean(true));
    }

    private static void checkConv(String file, KerasSpellings.Step step, KerasLayer first, int kernel, int strides, String padding) {
        KerasLayer conv = step.layer();
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
        requireActivation(file, step, "relu");
        requireChannelsLast(file, conv);
        if (square(file, conv, "dilation_rate") != 1 || c.path("groups").asInt(1) != 1) {
            throw new InteropException(file + ": " + conv.name() + " uses dilation or groups; "
                    + "convnet's convolutions have no dilation and one group");
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

    private static void checkDense(String file, KerasSpellings.Step step, int units, String activation) {
        KerasLayer dense = step.layer();
        int actual = positive(file, dense, "units");
        if (actual != units) {
            throw new InteropException(file + ": " + dense.name() + " has " + actual + " units; convnet's "
                    + (activation.equals("softmax") ? "output layer has " + units + " (the 10 classes)"
                    : "dense model has " + units + " hidden units, as in chapter 2"));
        }
        requireActivation(file, step, activation);
    }

    private static void requireChannelsLast(String file, KerasLayer layer) {
        JsonNode format = layer.config().path("data_format");
        if (!format.isMissingNode() && !format.isNull() && !format.asText().equals("channels_last")) {
            throw new InteropException(file + ": " + layer.name() + " is " + format.asText()
                    + "; convnet reads Keras models in the default channels_last format: build it without data_format='"
                    + format.asText() + "' and train it again");
        }
    }

    private static void requireActivation(String file, KerasSpellings.Step step, String expected) {
        if (!step.activation().equals(expected)) {
            throw new InteropException(file + ": " + step.layer().name() + " has activation '" + step.activation()
                    + "'; convnet expects '" + expected + "' there, as listing 8-1 has it: build the model with activation='"
                    + expected + "' there and train it again");
        }
    }

    /** An int or a square pair such as [3, 3]; InteropException for anything else. */
    static int square(String file, KerasLayer layer, String key) {
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

    private static void checkSizes(String file, Architecture arch) {
        try {
            arch.featureMapSizes(MnistLoader.IMAGE_SIZE);
        } catch (IllegalArgumentException e) {
            throw new InteropException(file + ": " + e.getMessage(), e);
        }
    }

    private static InteropException pattern(String file, String what) {
        return new InteropException(file + ": " + what + "; " + PATTERN);
    }

    /** Keras' {@code to_snake_case}: the name a .keras file keeps a layer's weights under (Conv2D → conv2d). */
    static String snakeCase(String className) {
        String name = className.replaceAll("\\W+", "");
        name = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    static String describe(List<Integer> shape) {
        List<String> dims = shape.stream().map(d -> d < 0 ? "None" : String.valueOf(d)).toList();
        return "(" + String.join(", ", dims) + (dims.size() == 1 ? ",)" : ")");
    }
}
