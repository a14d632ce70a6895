package dev.convnet.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Prediction} as JSON, the same in {@code convnet predict --json} and the server's
 * {@code POST /predict}: {@code {"class": 7, "label": "7", "probability": 0.998, "top": [...]}},
 * {@code top} holding the {@link #TOP} most probable classes in the same three keys. Plain maps,
 * in that key order, for Jackson.
 */
public final class PredictionJson {
    /** How many classes {@code top} lists. */
    public static final int TOP = 3;

    private PredictionJson() {
    }

    /** The document; a caller may add keys after these (a source file, the true class). */
    public static Map<String, Object> of(Prediction prediction) {
        Map<String, Object> doc = entry(prediction.best());
        List<Map<String, Object>> top = new ArrayList<>();
        for (RankedClass c : prediction.top(TOP)) {
            top.add(entry(c));
        }
        doc.put("top", top);
        return doc;
    }

    private static Map<String, Object> entry(RankedClass c) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("class", c.index());
        entry.put("label", c.label());
        entry.put("probability", c.probability());
        return entry;
    }
}
