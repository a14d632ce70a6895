package dev.convnet.report;

import dev.convnet.eval.EvaluationResult;
import java.util.List;
import java.util.Locale;

/** Renders evaluation results: the book's two lines, a confusion matrix and per-class metrics. */
public final class EvaluationReport {
    private EvaluationReport() {
    }

    /** {@code Test loss: 0.0271} and {@code Test accuracy: 0.991}, the precision the book prints. */
    public static String headline(EvaluationResult result) {
        return String.format(Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.3f%n", result.loss(), result.accuracy());
    }

    /** Counts of true (rows) against predicted (columns) classes, rows labelled with class names. */
    public static String confusionMatrix(EvaluationResult result, List<String> names) {
        int k = result.classes();
        long max = 0;
        for (long[] row : result.confusion()) {
            for (long c : row) {
                max = Math.max(max, c);
            }
        }
        int w = Math.max(4, String.valueOf(max).length() + 1);
        StringBuilder out = new StringBuilder("Confusion matrix (rows: true class, columns: predicted class)\n");
        int nameWidth = names.stream().mapToInt(String::length).max().orElse(1);
        boolean numeric = names.equals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        String label = numeric ? "%6s " : "%-" + (nameWidth + 4) + "s ";
        out.append(" ".repeat(numeric ? 7 : nameWidth + 5));
        for (int c = 0; c < k; c++) {
            out.append(String.format(Locale.ROOT, "%" + w + "d", c));
        }
        out.append('\n');
        for (int r = 0; r < k; r++) {
            out.append(String.format(label, numeric ? String.valueOf(r) : r + " " + names.get(r)));
            for (int c = 0; c < k; c++) {
                out.append(String.format(Locale.ROOT, "%" + w + "d", result.confusion()[r][c]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Precision, recall and F1 per class, then macro averages, as scikit-learn's classification
     * report: over the classes that occur as a true or a predicted class (a folder of pictures of a
     * few digits would otherwise average in zeros for the digits it has none of).
     */
    public static String perClass(EvaluationResult result, List<String> names) {
        int width = Math.max(12, names.stream().mapToInt(String::length).max().orElse(1) + 2);
        String text = "%-" + width + "s";
        StringBuilder out = new StringBuilder(String.format(text + " %9s %9s %9s %9s%n", "class", "precision", "recall", "f1-score", "support"));
        double sumP = 0;
        double sumR = 0;
        double sumF = 0;
        int k = 0;
        for (int c = 0; c < result.classes(); c++) {
            if (!result.occurs(c)) {
                continue;
            }
            k++;
            out.append(String.format(Locale.ROOT, text + " %9.4f %9.4f %9.4f %,9d%n",
                    names.get(c), result.precision(c), result.recall(c), result.f1(c), result.support(c)));
            sumP += result.precision(c);
            sumR += result.recall(c);
            sumF += result.f1(c);
        }
        out.append(String.format(Locale.ROOT, text + " %9s %9s %9.4f %,9d%n", "accuracy", "", "", result.accuracy(), result.total()));
        int averaged = Math.max(1, k);
        out.append(String.format(Locale.ROOT, text + " %9.4f %9.4f %9.4f %,9d%n", "macro avg", sumP / averaged, sumR / averaged,
                sumF / averaged, result.total()));
        return out.toString();
    }
}
