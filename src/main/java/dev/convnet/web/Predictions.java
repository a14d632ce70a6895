package dev.convnet.web;

import dev.convnet.app.Prediction;
import dev.convnet.app.RankedClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON documents {@code POST /predict} answers with, as plain maps for Jackson. */
final class Predictions {
    private static final int TOP = 3;

    private final List<String> classNames;

    Predictions(List<String> classNames) {
        this.classNames = List.copyOf(classNames);
    }

    /**
     * {@code {"class": 7, "label": "7", "probability": 0.998, "top": [...]}}, ranked as every command
     * ranks ({@link Prediction}); with {@code explain}, also every class's probability and the 28x28
     * input the model saw (0-255, row after row).
     */
    Map<String, Object> document(float[] probabilities, float[] input, boolean explain) {
        Prediction prediction = Prediction.of(probabilities, classNames);
        Map<String, Object> doc = new LinkedHashMap<>(entry(prediction.best()));
        List<Map<String, Object>> top = new ArrayList<>();
        for (RankedClass c : prediction.top(TOP)) {
            top.add(entry(c));
        }
        doc.put("top", top);
        if (explain) {
            doc.put("probabilities", probabilities);
            int[] grey = new int[input.length];
            for (int i = 0; i < input.length; i++) {
                grey[i] = Math.round(Math.max(0f, Math.min(1f, input[i])) * 255);
            }
            doc.put("input", grey);
        }
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
