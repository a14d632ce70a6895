package dev.convnet.web;

import java.util.ArrayList;
import java.util.Arrays;
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
     * {@code {"class": 7, "label": "7", "probability": 0.998, "top": [...]}}; with {@code explain},
     * also every class's probability and the 28x28 input the model saw (0-255, row after row).
     */
    Map<String, Object> document(float[] probabilities, float[] input, boolean explain) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a])); // stable: ties keep class order
        int best = order[0];
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("class", best);
        doc.put("label", classNames.get(best));
        doc.put("probability", probabilities[best]);
        List<Map<String, Object>> top = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP, order.length); i++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("class", order[i]);
            entry.put("label", classNames.get(order[i]));
            entry.put("probability", probabilities[order[i]]);
            top.add(entry);
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
}
