package dev.convnet.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convnet.data.MnistLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reduces the ways Keras models spell listing 8-1 to one plain chain of Conv2D, MaxPooling2D,
 * Flatten and Dense steps, each with its activation and the BatchNormalization folded into it:
 * <ul>
 * <li>{@code Dropout} and the augmentation layers ({@code RandomRotation}, {@code RandomZoom},
 *     {@code RandomTranslation}, {@code RandomFlip}) are the identity at inference;
 * <li>{@code Rescaling(scale, offset)} first: the model takes raw 0-255 pixels; 1/255 is convnet's
 *     own scaling, anything else is folded into the first weighted layer;
 * <li>{@code Reshape((28, 28, 1))} after a (28, 28) or (784,) input is the identity;
 * <li>{@code Activation}, {@code ReLU}, {@code Softmax} after a linear Conv2D or Dense are fused into it,
 *     a ReLU right after a linear Conv2D's MaxPooling2D too (max pooling and ReLU commute);
 * <li>{@code BatchNormalization} right after a linear Conv2D or Dense is folded into its weights;
 * <li>a last Dense without softmax (logits) gets one.
 * </ul>
 * Anything else is refused in one line naming the layer and its values.
 */
final class KerasSpellings {
    /** Layers that Keras runs only while training. */
    private static final Set<String> DROPOUTS = Set.of("Dropout", "SpatialDropout2D");
    private static final Set<String> AUGMENTATION = Set.of("RandomRotation", "RandomZoom", "RandomTranslation", "RandomFlip");
    private static final List<String> AUGMENTATION_SETTINGS = List.of("factor", "height_factor", "width_factor", "mode",
            "fill_mode", "interpolation", "fill_value", "seed");
    private static final int MAX_NOTE = 400;

    private KerasSpellings() {
    }

    /**
     * One step of the plain chain.
     *
     * @param layer the Conv2D, MaxPooling2D, Flatten or Dense layer
     * @param activation its activation after fusing a separate one ({@code linear} if none)
     * @param batchNorm a BatchNormalization after it to fold into it, or null
     * @param inputNorm a BatchNormalization before it (after an activation, a pooling or Flatten) to fold into it, or null
     */
    record Step(KerasLayer layer, String activation, KerasLayer batchNorm, InputNorm inputNorm) {
        Step(KerasLayer layer, String activation, KerasLayer batchNorm) {
            this(layer, activation, batchNorm, null);
        }

        boolean is(String className) {
            return canonical(layer.className()).equals(className);
        }

        boolean weighted() {
            return is("Conv2D") || is("Dense");
        }
    }

    /**
     * A BatchNormalization that normalises a layer's input rather than its output: an affine map
     * per channel, folded into the next weighted layer's kernel. Through a max pooling only when
     * its scale is positive; before a same-padded convolution only when its shift is 0.
     *
     * @param layer the BatchNormalization layer
     * @param throughPool a MaxPooling2D lies between it and the weighted layer
     * @param beforeFlatten it normalises the channels of a map that is flattened before a Dense
     * @param after the layer of the step right before it (a Conv2D or Dense with its activation, a
     *     MaxPooling2D, a Flatten), or null at the input: where a kept layer goes when fine-tuning
     */
    record InputNorm(KerasLayer layer, boolean throughPool, boolean beforeFlatten, KerasLayer after) {
    }

    /**
     * The chain a Keras config reduces to.
     *
     * @param inputShape the input shape after an identity Reshape
     * @param steps the steps in order
     * @param scaling the first weighted layer's input as a function of pixels / 255
     * @param scalingLayer the Rescaling layer, or null
     * @param dropoutBeforeOutput the rate of a Dropout right before the output layer (kept when fine-tuning), or 0
     * @param notes what the run record says about the import
     */
    record Chain(List<Integer> inputShape, List<Step> steps, KerasArchitecture.InputScaling scaling, KerasLayer scalingLayer,
                 double dropoutBeforeOutput, Map<String, String> notes) {
    }

    private record DropoutAt(int beforeStep, double rate, KerasLayer layer) {
    }

    static Chain reduce(String file, KerasConfig config) {
        List<Integer> shape = config.inputShape();
        List<Step> steps = new ArrayList<>();
        KerasArchitecture.InputScaling scaling = KerasArchitecture.InputScaling.IDENTITY;
        KerasLayer scalingLayer = null;
        List<DropoutAt> dropouts = new ArrayList<>();
        List<String> identity = new ArrayList<>();
        List<String> augmentation = new ArrayList<>();
        List<String> folded = new ArrayList<>();
        Set<String> unsupported = new LinkedHashSet<>();
        InputNorm pending = null;
        for (KerasLayer layer : config.layers()) {
            String kind = canonical(layer.className());
            JsonNode c = layer.config();
            if (DROPOUTS.contains(kind)) {
                double rate = dropoutRate(file, layer);
                dropouts.add(new DropoutAt(steps.size(), rate, layer));
                identity.add(layer.name() + " (" + kind + " " + number(rate) + ")");
            } else if (AUGMENTATION.contains(kind)) {
                identity.add(layer.toString());
                augmentation.add(augmentationSettings(layer));
            } else if (kind.equals("Rescaling")) {
                if (!steps.isEmpty()) {
                    throw new InteropException(file + ": " + layer + " comes after " + steps.get(steps.size() - 1).layer().name()
                            + "; convnet folds Rescaling only when it comes before the first Conv2D or Dense");
                }
                double scale = scalar(file, layer, "scale", 1);
                double offset = scalar(file, layer, "offset", 0);
                if (scale == 0) {
                    throw new InteropException(file + ": " + layer.name() + " has scale 0: the model ignores its input; "
                            + "convnet reads Rescaling with a non-zero scale such as 1/255");
                }
                // the model takes raw 0-255 pixels (255 x); the first time, scaling is the identity
                scaling = scalingLayer == null
                        ? new KerasArchitecture.InputScaling(255 * scale, offset)
                        : new KerasArchitecture.InputScaling(scaling.scale() * scale, scaling.offset() * scale + offset);
                if (Math.abs(scaling.scale() - 1) <= 1e-6 && scaling.offset() == 0) {
                    scaling = KerasArchitecture.InputScaling.IDENTITY; // Rescaling(1/255): exactly convnet's pixels / 255
                }
                scalingLayer = layer;
                folded.add(layer.name() + " (Rescaling scale " + number(scale) + ", offset " + number(offset) + ")"
                        + (scaling.isIdentity() ? " is convnet's pixels / 255" : " into the first layer"));
            } else if (kind.equals("Reshape")) {
                shape = reshape(file, layer, shape, steps);
                identity.add(layer.name() + " (Reshape to " + KerasArchitecture.describe(shape) + ")");
            } else if (kind.equals("Activation") || kind.equals("ReLU") || kind.equals("Softmax")) {
                String activation = activationOf(file, layer);
                // a ReLU right after Conv2D, MaxPooling2D: max pooling commutes with it (not with a
                // BatchNormalization between them, which waits in pending for the next layer's input)
                int pooled = steps.size() - 2;
                if (activation.equals("relu") && pending == null && pooled >= 0 && steps.get(pooled + 1).is("MaxPooling2D")
                        && steps.get(pooled).weighted() && steps.get(pooled).activation().equals("linear")) {
                    Step conv = steps.get(pooled);
                    steps.set(pooled, new Step(conv.layer(), activation, conv.batchNorm(), conv.inputNorm()));
                    folded.add(layer.name() + " (relu) into " + conv.layer().name() + ", before "
                            + steps.get(pooled + 1).layer().name() + " (max pooling and ReLU commute)");
                } else if (!activation.equals("linear")) {
                    Step last = lastWeightedAndLinear(file, layer, steps, "applies " + activation + " to");
                    steps.set(steps.size() - 1, new Step(last.layer(), activation, last.batchNorm(), last.inputNorm()));
                    folded.add(layer.name() + " (" + activation + ") into " + last.layer().name());
                }
            } else if (kind.equals("BatchNormalization") && !steps.isEmpty() && steps.get(steps.size() - 1).weighted()
                    && steps.get(steps.size() - 1).activation().equals("linear")) {
                Step last = steps.get(steps.size() - 1);
                if (last.batchNorm() != null) {
                    throw new InteropException(file + ": " + layer + " follows " + last.batchNorm().name()
                            + "; convnet folds one BatchNormalization into each Conv2D or Dense");
                }
                checkBatchNorm(file, layer, last.is("Conv2D") ? 4 : 2);
                steps.set(steps.size() - 1, new Step(last.layer(), last.activation(), layer, last.inputNorm()));
                folded.add(layer.name() + " into " + last.layer().name());
            } else if (kind.equals("BatchNormalization")) {
                // after a ReLU, a pooling or Flatten: folded forward into the next Conv2D or Dense
                if (pending != null) {
                    throw new InteropException(file + ": " + layer + " follows " + pending.layer().name()
                            + " with no Conv2D or Dense between; convnet folds one BatchNormalization into each");
                }
                checkBatchNorm(file, layer, steps.isEmpty() || !steps.get(steps.size() - 1).is("Flatten") && !steps.get(steps.size() - 1).is("Dense") ? 4 : 2);
                pending = new InputNorm(layer, false, false, steps.isEmpty() ? null : steps.get(steps.size() - 1).layer());
            } else if (kind.equals("Conv2D") || kind.equals("Dense")) {
                JsonNode activation = c.path("activation");
                steps.add(new Step(layer, activation.isMissingNode() || activation.isNull() ? "linear"
                        : activation.isTextual() ? activation.asText() : activation.toString(), null, pending));
                if (pending != null) {
                    folded.add(pending.layer().name() + " into the input of " + layer.name());
                }
                pending = null;
            } else if (kind.equals("MaxPooling2D") || kind.equals("Flatten")) {
                steps.add(new Step(layer, "linear", null));
                if (pending != null) {
                    pending = new InputNorm(pending.layer(), pending.throughPool() || kind.equals("MaxPooling2D"),
                            pending.beforeFlatten() || kind.equals("Flatten"), pending.after());
                }
            } else {
                unsupported.add(layer.toString());
            }
        }
        if (pending != null && unsupported.isEmpty()) {
            throw new InteropException(file + ": " + pending.layer() + " comes after the last Conv2D or Dense; "
                    + "convnet folds BatchNormalization into the Conv2D or Dense before or after it");
        }
        if (!unsupported.isEmpty()) {
            throw new InteropException(file + ": unsupported Keras " + (unsupported.size() == 1 ? "layer " : "layers ")
                    + String.join(", ", unsupported) + "; convnet builds Conv2D, MaxPooling2D, Flatten and Dense "
                    + "(listing 8-1 and its variants), with Dropout, BatchNormalization, Rescaling, Reshape, Activation "
                    + "and Keras' random augmentation layers around them");
        }
        Map<String, String> notes = new LinkedHashMap<>();
        if (!steps.isEmpty() && steps.get(steps.size() - 1).is("Dense") && steps.get(steps.size() - 1).activation().equals("linear")) {
            Step last = steps.get(steps.size() - 1);
            steps.set(steps.size() - 1, new Step(last.layer(), "softmax", last.batchNorm(), last.inputNorm()));
            notes.put("imported.softmax", "added after " + last.layer().name()
                    + ": the Keras model outputs logits (Dense without softmax, trained with from_logits=True); "
                    + "the class ranking is unchanged");
        }
        double kept = keptDropout(steps, dropouts, notes);
        if (!folded.isEmpty()) {
            notes.put("imported.folded", bounded(String.join(", ", folded)));
        }
        if (!identity.isEmpty()) {
            notes.put("imported.identity_at_inference", bounded(String.join(", ", identity)));
        }
        if (!augmentation.isEmpty()) {
            notes.put("imported.augmentation", bounded(String.join(", ", augmentation)));
        }
        return new Chain(shape, steps, scaling, scalingLayer, kept, notes);
    }

    /**
     * Dropout right before the output layer (after Flatten, or after the hidden Dense of the dense
     * model) is kept as a layer: fine-tuning then drops units as Keras did. Dropout elsewhere is
     * the identity at inference and is left out.
     */
    private static double keptDropout(List<Step> steps, List<DropoutAt> dropouts, Map<String, String> notes) {
        int output = steps.size() - 1;
        List<DropoutAt> kept = dropouts.stream().filter(d -> d.beforeStep() == output && output >= 1
                && (steps.get(output - 1).is("Flatten") || steps.get(output - 1).is("Dense"))
                && d.layer().className().equals("Dropout")).toList();
        if (kept.isEmpty()) {
            return 0;
        }
        List<String> names = kept.stream().map(d -> d.layer().name()).toList();
        // two Dropouts in a row keep (1 - a)(1 - b) of the units: one Dropout of that rate
        double rate = kept.size() == 1 ? kept.get(0).rate()
                : 1 - kept.stream().mapToDouble(d -> 1 - d.rate()).reduce(1, (a, b) -> a * b);
        notes.put("imported.dropout", String.join(", ", names) + " (rate " + number(rate) + ") kept before "
                + steps.get(output).layer().name() + ": the identity at inference, inverted dropout when fine-tuned");
        return rate;
    }

    private static double dropoutRate(String file, KerasLayer layer) {
        JsonNode rate = layer.config().path("rate");
        if (!rate.isNumber() || !(rate.asDouble() >= 0 && rate.asDouble() < 1)) {
            throw new InteropException(file + ": " + layer.name() + " has rate " + rate
                    + "; a Dropout rate is the probability to drop a unit: at least 0 and below 1");
        }
        return rate.asDouble();
    }

    /** A number, or a list of one number (Keras accepts one per channel; MNIST has one channel). */
    private static double scalar(String file, KerasLayer layer, String key, double absent) {
        JsonNode value = layer.config().path(key);
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        JsonNode number = value.isArray() && value.size() == 1 ? value.get(0) : value;
        if (!number.isNumber() || !Double.isFinite(number.asDouble())) {
            throw new InteropException(file + ": " + layer.name() + " has " + key + " " + value
                    + "; convnet reads Rescaling with a finite number as " + key + ", such as scale 1/255 and offset 0");
        }
        return number.asDouble();
    }

    private static List<Integer> reshape(String file, KerasLayer layer, List<Integer> shape, List<Step> steps) {
        JsonNode target = layer.config().path("target_shape");
        int side = MnistLoader.IMAGE_SIZE;
        List<Integer> image = List.of(side, side, 1);
        boolean toImage = target.isArray() && target.size() == 3 && target.get(0).asInt() == side
                && target.get(1).asInt() == side && target.get(2).asInt() == 1 && target.get(0).isIntegralNumber();
        boolean fromPixels = shape.equals(List.of(side, side)) || shape.equals(List.of(side * side)) || shape.equals(image);
        if (!steps.isEmpty()) { // the shape known here is the model's input, not what the layers before made of it
            throw new InteropException(file + ": " + layer.name() + " reshapes the output of " + steps.get(steps.size() - 1).layer().name()
                    + " to " + target + "; convnet reads Reshape((28, 28, 1)) only right after a (28, 28) or (784,) input, "
                    + "and Flatten() before the Dense layers");
        }
        if (!toImage || !fromPixels) {
            throw new InteropException(file + ": " + layer.name() + " reshapes " + KerasArchitecture.describe(shape) + " to "
                    + target + "; convnet reads Reshape((28, 28, 1)) only right after a (28, 28) or (784,) input");
        }
        return image;
    }

    private static String activationOf(String file, KerasLayer layer) {
        JsonNode c = layer.config();
        switch (layer.className()) {
            case "ReLU" -> {
                boolean plain = isZeroOrAbsent(c.path("negative_slope")) && isZeroOrAbsent(c.path("threshold"))
                        && (c.path("max_value").isMissingNode() || c.path("max_value").isNull());
                if (!plain) {
                    throw new InteropException(file + ": " + layer.name() + " is ReLU(max_value=" + c.path("max_value")
                            + ", negative_slope=" + c.path("negative_slope") + ", threshold=" + c.path("threshold")
                            + "); convnet's ReLU is max(x, 0)");
                }
                return "relu";
            }
            case "Softmax" -> {
                JsonNode axis = c.path("axis");
                if (!axis.isMissingNode() && !(axis.isInt() && axis.asInt() == -1)
                        && !(axis.isArray() && axis.size() == 1 && axis.get(0).asInt() == -1)) {
                    throw new InteropException(file + ": " + layer.name() + " is a softmax over axis " + axis
                            + "; convnet's softmax is over the classes (axis -1)");
                }
                return "softmax";
            }
            default -> {
                JsonNode activation = c.path("activation");
                if (!activation.isTextual()) {
                    throw new InteropException(file + ": " + layer.name() + " has activation " + activation
                            + "; convnet reads Activation(\"relu\"), Activation(\"softmax\") and Activation(\"linear\")");
                }
                return activation.asText();
            }
        }
    }

    private static boolean isZeroOrAbsent(JsonNode value) {
        return value.isMissingNode() || value.isNull() || (value.isNumber() && value.asDouble() == 0);
    }

    /** The last step, which must be a Conv2D or Dense without an activation yet; else one line saying why not. */
    private static Step lastWeightedAndLinear(String file, KerasLayer layer, List<Step> steps, String what) {
        Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        if (last == null || !last.weighted()) {
            throw new InteropException(file + ": " + layer + " " + what + " the output of "
                    + (last == null ? "the input" : last.layer().toString())
                    + "; convnet fuses it only into the Conv2D or Dense right before it");
        }
        if (!last.activation().equals("linear")) {
            throw new InteropException(file + ": " + layer + " " + what + " the output of " + last.layer().name()
                    + " after its " + last.activation() + "; convnet fuses it only into a Conv2D or Dense whose activation "
                    + "is linear (e.g. Conv2D, BatchNormalization, Activation(\"relu\"))");
        }
        return last;
    }

    private static void checkBatchNorm(String file, KerasLayer layer, int rank) {
        JsonNode c = layer.config();
        JsonNode axis = c.path("axis");
        int a = axis.isArray() && axis.size() == 1 ? axis.get(0).asInt(0) : axis.isIntegralNumber() ? axis.asInt() : 0;
        if (!axis.isMissingNode() && a != -1 && a != rank - 1) {
            throw new InteropException(file + ": " + layer.name() + " normalises axis " + axis
                    + "; convnet folds BatchNormalization over the channels (axis -1)");
        }
        for (String key : List.of("epsilon", "momentum")) {
            JsonNode value = c.path(key);
            if (!value.isMissingNode() && (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0
                    || (key.equals("momentum") && value.asDouble() > 1))) {
                throw new InteropException(file + ": " + layer.name() + " has " + key + " " + value + "; expected "
                        + (key.equals("epsilon") ? "a small positive number such as 0.001" : "a number from 0 to 1 such as 0.99"));
            }
        }
    }

    /** A Random* layer's settings as the run record keeps them, e.g. {@code RandomRotation(factor=0.1, fill_mode=reflect)}. */
    private static String augmentationSettings(KerasLayer layer) {
        List<String> settings = new ArrayList<>();
        for (String key : AUGMENTATION_SETTINGS) {
            JsonNode value = layer.config().path(key);
            if (!value.isMissingNode() && !value.isNull()) {
                settings.add(key + "=" + (value.isTextual() ? value.asText() : value.toString()));
            }
        }
        return bounded(layer.className() + "(" + String.join(", ", settings) + ")");
    }

    private static String bounded(String text) {
        String line = text.replaceAll("[\\r\\n\\t]", " ");
        return line.length() <= MAX_NOTE ? line : line.substring(0, MAX_NOTE) + "…";
    }

    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.format(Locale.ROOT, "%s", value);
    }

    /** Keras' aliases (MaxPool2D, Convolution2D) under one name. */
    static String canonical(String className) {
        return switch (className) {
            case "MaxPool2D" -> "MaxPooling2D";
            case "Convolution2D" -> "Conv2D";
            default -> className;
        };
    }
}
