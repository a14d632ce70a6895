package dev.convnet.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A Keras model config (config.json of a .keras file, or the model_config attribute of a legacy
 * .h5), read into a straight chain of layers after its input. Keras 3 and Keras 2 differ in how
 * they write inbound nodes, input shapes and the outer nesting; both are read here.
 *
 * @param inputShape the input's shape without the batch dimension, e.g. [28, 28, 1]
 * @param layers the layers after the input, in order
 */
record KerasConfig(List<Integer> inputShape, List<KerasLayer> layers) {

    KerasConfig {
        inputShape = List.copyOf(inputShape);
        layers = List.copyOf(layers);
    }

    /** Parses {@code json}; InteropException naming {@code file} when it is not a model config convnet can follow. */
    static KerasConfig parse(String file, String json) {
        JsonNode root;
        try {
            // Python's json module writes NaN and Infinity, and Keras saves with it: read them as numbers,
            // which the layer checks then refuse by name ("sc has scale NaN")
            root = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(json);
        } catch (JsonProcessingException e) {
            throw new InteropException(file + ": the Keras model config is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new InteropException(file + ": the Keras model config is not a JSON object");
        }
        String modelClass = root.path("class_name").asText("");
        JsonNode config = root.path("config");
        if (!List.of("Functional", "Model", "Sequential").contains(modelClass)) {
            throw new InteropException(file + ": the Keras model is a '" + modelClass
                    + "'; convnet reads Sequential and functional models (keras.Model)");
        }
        boolean sequential = modelClass.equals("Sequential");
        // Keras up to 2.2.4 wrote a Sequential model's config as the bare list of its layers
        JsonNode layers = sequential && config.isArray() ? config : config.path("layers");
        if (!layers.isArray()) {
            throw new InteropException(file + ": the " + modelClass + " model's config has no list of layers "
                    + "(neither {\"layers\": [...]} nor, as Keras 2.2.4 and older wrote it, a bare list)");
        }
        List<KerasLayer> all = new ArrayList<>();
        java.util.Map<String, String> inlined = new java.util.HashMap<>(); // a nested model's name -> its last layer's
        for (JsonNode layer : layers) {
            String className = layer.path("class_name").asText("");
            JsonNode layerConfig = layer.path("config");
            String name = layer.hasNonNull("name") ? layer.path("name").asText() : layerConfig.path("name").asText("");
            if (name.isEmpty() && className.equals("Sequential") && layerConfig.isArray()) {
                name = "sequential"; // Keras 2's bare list of a nested block's layers carries no name
            }
            if (className.isEmpty() || name.isEmpty()) {
                throw new InteropException(file + ": the Keras model config has a layer without a class or a name");
            }
            List<String> inbound = new ArrayList<>();
            collectInbound(layer.path("inbound_nodes"), inbound);
            inbound.replaceAll(n -> inlined.getOrDefault(n, n));
            if (className.equals("Sequential")) {
                List<String> from = !sequential ? inbound : all.isEmpty() ? List.of() : List.of(all.get(all.size() - 1).name());
                List<KerasLayer> inner = inline(file, name, layerConfig, from);
                all.addAll(inner);
                inlined.put(name, inner.isEmpty() ? (inbound.isEmpty() ? name : inbound.get(0)) : inner.get(inner.size() - 1).name());
                continue;
            }
            all.add(new KerasLayer(name, className, layerConfig, inbound));
        }
        for (KerasLayer layer : all) {
            refuseBfloat16(file, layer);
        }
        List<Integer> inputShape = inputShape(file, config, all);
        List<KerasLayer> body = all.isEmpty() || !all.get(0).className().equals("InputLayer") ? all : all.subList(1, all.size());
        if (!sequential) {
            checkChain(file, all, config, inlined);
        }
        return new KerasConfig(inputShape, body);
    }

    /**
     * A Sequential nested in the model, as the book's listing 8-14 writes its data_augmentation
     * block: its layers, read as the model's own, each taking the one before (the first, the nested
     * model's input). Only blocks of augmentation, Rescaling, Dropout, Reshape and activation layers
     * are inlined: Keras files a nested layer's weights under the block's name, so a block holding
     * any other layer is refused naming it. Keras 2 may write the block's config as the bare list
     * of its layers, as it wrote a Sequential model's.
     */
    private static List<KerasLayer> inline(String file, String name, JsonNode config, List<String> inbound) {
        JsonNode layers = config.isArray() ? config : config.path("layers");
        if (!layers.isArray()) {
            throw new InteropException(file + ": the nested model " + name + " (Sequential) has no list of layers");
        }
        List<KerasLayer> inner = new ArrayList<>();
        List<String> from = inbound;
        for (JsonNode layer : layers) {
            String className = layer.path("class_name").asText("");
            JsonNode layerConfig = layer.path("config");
            String innerName = layerConfig.path("name").asText(layer.path("name").asText(""));
            if (className.equals("InputLayer")) {
                continue;
            }
            if (!WITHOUT_WEIGHTS.contains(className) && !className.startsWith("Random")) {
                throw new InteropException(file + ": the nested model " + name + " (Sequential) holds " + innerName + " ("
                        + className + "); convnet reads nested blocks of augmentation, Rescaling, Dropout, Reshape and "
                        + "activation layers (the book's data_augmentation): put " + className + " in the model itself");
            }
            inner.add(new KerasLayer(innerName, className, layerConfig, from));
            from = List.of(innerName);
        }
        return inner;
    }

    /**
     * A model saved under Keras' {@code bfloat16} dtype policy stores its weights as an opaque
     * 2-byte HDF5 type (h5py's {@code |V2} with a dtype attribute) that the HDF5 reader cannot
     * parse: said as what it is, instead of "damaged HDF5 file". ({@code mixed_bfloat16} keeps
     * float32 weights and reads as any model.)
     */
    private static void refuseBfloat16(String file, KerasLayer layer) {
        JsonNode dtype = layer.config().path("dtype");
        String policy = dtype.isTextual() ? dtype.asText() : dtype.path("config").path("name").asText("");
        if (policy.equals("bfloat16")) {
            throw new InteropException(file + ": " + layer + " was saved under Keras' bfloat16 dtype policy, whose weights "
                    + "the file stores in a type convnet cannot read; in Keras, set keras.mixed_precision.set_global_policy("
                    + "\"float32\"), build the model again, copy the weights in (set_weights(model.get_weights())) and save that");
        }
    }

    /** Layers without weights that a nested block may hold (besides Keras' Random* augmentation layers). */
    private static final java.util.Set<String> WITHOUT_WEIGHTS = java.util.Set.of("Rescaling", "Dropout", "SpatialDropout2D",
            "Reshape", "Activation", "ReLU", "Softmax");

    /** Keras 3: {"args": [{"config": {"keras_history": [name, 0, 0]}}]}; Keras 2: [[[name, 0, 0, {}]]]. */
    private static void collectInbound(JsonNode node, List<String> names) {
        if (node.isObject()) {
            JsonNode history = node.path("keras_history");
            if (history.isArray() && history.size() > 0 && history.get(0).isTextual()) {
                names.add(history.get(0).asText());
                return;
            }
            node.forEach(child -> collectInbound(child, names));
        } else if (node.isArray()) {
            if (node.size() >= 3 && node.get(0).isTextual() && node.get(1).isInt()) {
                names.add(node.get(0).asText());
                return;
            }
            node.forEach(child -> collectInbound(child, names));
        }
    }

    /** Functional models: every layer must read the one before it, and the model's output is the last. */
    private static void checkChain(String file, List<KerasLayer> all, JsonNode config, java.util.Map<String, String> inlined) {
        for (int i = 1; i < all.size(); i++) {
            KerasLayer layer = all.get(i);
            if (!layer.inbound().equals(List.of(all.get(i - 1).name()))) {
                throw new InteropException(file + ": layer " + layer + " does not take its input from the layer "
                        + "before it, " + all.get(i - 1).name() + ": convnet reads models whose layers form one straight chain");
            }
        }
        List<String> outputs = new ArrayList<>();
        collectInbound(config.path("output_layers"), outputs);
        outputs.replaceAll(n -> inlined.getOrDefault(n, n)); // a model ending in a nested block ends in its last layer
        if (!all.isEmpty() && !outputs.isEmpty() && !outputs.equals(List.of(all.get(all.size() - 1).name()))) {
            throw new InteropException(file + ": the model's outputs " + outputs + " are not its last layer; "
                    + "convnet reads models with one output at the end of one straight chain");
        }
    }

    /** The input shape: an InputLayer's batch_shape (Keras 3) or batch_input_shape (Keras 2), or the model's build shape. */
    private static List<Integer> inputShape(String file, JsonNode config, List<KerasLayer> all) {
        List<JsonNode> candidates = new ArrayList<>();
        if (!all.isEmpty()) {
            JsonNode first = all.get(0).config();
            candidates.add(first.path("batch_shape"));
            candidates.add(first.path("batch_input_shape"));
            candidates.add(first.path("build_config").path("input_shape"));
        }
        candidates.add(config.path("build_input_shape"));
        for (JsonNode shape : candidates) {
            if (shape.isArray() && shape.size() >= 2) {
                List<Integer> dims = new ArrayList<>();
                for (int i = 1; i < shape.size(); i++) {
                    JsonNode d = shape.get(i);
                    dims.add(d.canConvertToInt() ? d.asInt() : -1);
                }
                return dims;
            }
        }
        throw new InteropException(file + ": the Keras model config does not say its input shape "
                + "(build the model with keras.Input(shape=(28, 28, 1)) before saving it)");
    }
}
