package dev.convnet.interop;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One layer of a Keras model config, as Keras 2 and Keras 3 both write it.
 *
 * @param name the layer's name (also the key of its weights)
 * @param className Keras' class name, e.g. {@code Conv2D}
 * @param config the layer's own config object
 * @param inbound names of the layers it takes its input from (empty for Sequential models and inputs)
 */
record KerasLayer(String name, String className, JsonNode config, List<String> inbound) {
    KerasLayer {
        inbound = List.copyOf(inbound);
    }

    @Override
    public String toString() {
        return name + " (" + className + ")";
    }
}
