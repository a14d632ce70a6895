package dev.convnet.app;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What the model sees in one image.
 *
 * @param probabilities one per class, summing to 1
 * @param ranked every class, most probable first (ties: lower index first, as {@code Metrics.argmax})
 */
public record Prediction(float[] probabilities, List<RankedClass> ranked) {

    public Prediction {
        ranked = List.copyOf(ranked);
    }

    /** Ranks {@code probabilities} with the dataset's class names. */
    public static Prediction of(float[] probabilities, List<String> classNames) {
        List<RankedClass> ranked = new ArrayList<>(IntStream.range(0, probabilities.length)
                .mapToObj(c -> new RankedClass(c, classNames.get(c), probabilities[c])).toList());
        // A stable sort keeps ties in index order, so the first class is Metrics.argmax's, as evaluation counts it.
        ranked.sort(Comparator.comparingDouble(RankedClass::probability).reversed());
        return new Prediction(probabilities.clone(), ranked);
    }

    /** The predicted class. */
    public RankedClass best() {
        return ranked.get(0);
    }

    /** The {@code n} most probable classes. */
    public List<RankedClass> top(int n) {
        return ranked.subList(0, Math.min(n, ranked.size()));
    }
}
