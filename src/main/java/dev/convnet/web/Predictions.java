package dev.convnet.web;

import dev.convnet.app.Prediction;
import dev.convnet.app.PredictionJson;
import java.util.List;
import java.util.Map;

/** The JSON documents {@code POST /predict} answers with, as plain maps for Jackson. */
final class Predictions {
    private final List<String> classNames;

    Predictions(List<String> classNames) {
        this.classNames = List.copyOf(classNames);
    }

    /**
     * {@link PredictionJson}'s document, ranked as every command ranks ({@link Prediction}); with
     * {@code explain}, also every class's probability and the 28x28 input the model saw (0-255,
     * row after row).
     */
    Map<String, Object> document(float[] probabilities, float[] input, boolean explain) {
        Map<String, Object> doc = PredictionJson.of(Prediction.of(probabilities, classNames));
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
