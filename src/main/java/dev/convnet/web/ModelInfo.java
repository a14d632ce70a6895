package dev.convnet.web;

import java.util.List;
import java.util.Map;

/**
 * What the server tells people about the model it serves.
 *
 * @param file the model file as given on the command line
 * @param dataset the dataset id the model was trained on, e.g. {@code mnist}
 * @param classNames the name of each class, by class index
 * @param parameters the number of trainable parameters
 * @param testAccuracy the test accuracy from the run record, NaN when the record has none
 * @param engine the inference path in use, e.g. {@code oneDNN} or {@code DL4J}
 * @param runRecord the run record as a JSON-ready document (empty when the model has none)
 */
public record ModelInfo(String file, String dataset, List<String> classNames, long parameters, double testAccuracy,
                        String engine, Map<String, Object> runRecord) {
    public ModelInfo {
        classNames = List.copyOf(classNames);
        // in the record's own order (settings, then provenance, then history), as the CLI prints it; Map.copyOf shuffles
        runRecord = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(runRecord));
    }

    public boolean hasTestAccuracy() {
        return !Double.isNaN(testAccuracy);
    }
}
