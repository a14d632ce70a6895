package dev.convnet.app;

import dev.convnet.engine.Metrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What the model sees in one image.
 *
 * @param probabilities one per class, summing to 1
 * @param ranked every class, most probable first ({@link Metrics#argmax} first; ties by index)
 */
public record Prediction(float[] probabilities, List<RankedClass> ranked) {

    public Prediction {
        ranked = List.copyOf(ranked);
    }

    /** Ranks {@code probabilities} with the dataset's class names. */
    public static Prediction of(float[] probabilities, List<String> classNames) {
        int best = Metrics.argmax(probabilities); // the class evaluation counts, ties included
        List<RankedClass> ranked = new ArrayList<>();
        ranked.add(new RankedClass(best, classNames.get(best), probabilities[best]));
        IntStream.range(0, probabilities.length).filter(c -> c != best)
                .mapToObj(c -> new RankedClass(c, classNames.get(c), probabilities[c]))
                .sorted(Comparator.comparingDouble(RankedClass::probability).reversed()) // stable: ties by index
                .forEach(ranked::add);
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
