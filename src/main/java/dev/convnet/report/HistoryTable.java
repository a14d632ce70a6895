package dev.convnet.report;

import dev.convnet.run.EpochRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Several runs' per-epoch figures side by side, one row per epoch and one group of columns per
 * run (loss, accuracy, val_loss and val_accuracy when validated, seconds), at Keras' 4 decimals.
 */
public final class HistoryTable {
    private static final String GAP = "   ";

    private HistoryTable() {
    }

    /** One run: a name for its column group, and its epochs. */
    public record Run(String name, List<EpochRecord> epochs) {
    }

    public static String render(List<Run> runs) {
        List<List<String>> headers = new ArrayList<>();
        int rows = 0;
        for (Run run : runs) {
            boolean validated = run.epochs().stream().anyMatch(EpochRecord::hasValidation);
            headers.add(validated ? List.of("loss", "accuracy", "val_loss", "val_accuracy", "seconds")
                    : List.of("loss", "accuracy", "seconds"));
            rows = Math.max(rows, run.epochs().stream().mapToInt(EpochRecord::epoch).max().orElse(0));
        }
        List<Integer> widths = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            int cells = headers.get(r).stream().mapToInt(h -> Math.max(h.length(), 7) + 2).sum() - 2;
            widths.add(Math.max(cells, runs.get(r).name().length()));
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%5s", ""));
        for (int r = 0; r < runs.size(); r++) {
            out.append(GAP).append(String.format(Locale.ROOT, "%-" + widths.get(r) + "s", runs.get(r).name()));
        }
        out.append('\n').append("epoch");
        for (int r = 0; r < runs.size(); r++) {
            StringBuilder group = new StringBuilder();
            for (String h : headers.get(r)) {
                group.append(group.length() == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%" + Math.max(h.length(), 7) + "s", h));
            }
            out.append(GAP).append(String.format(Locale.ROOT, "%" + widths.get(r) + "s", group));
        }
        out.append('\n');
        for (int epoch = 1; epoch <= rows; epoch++) {
            out.append(String.format(Locale.ROOT, "%5d", epoch));
            for (int r = 0; r < runs.size(); r++) {
                EpochRecord e = find(runs.get(r).epochs(), epoch);
                StringBuilder group = new StringBuilder();
                for (String h : headers.get(r)) {
                    String cell = e == null ? "" : switch (h) {
                        case "loss" -> f4(e.loss());
                        case "accuracy" -> f4(e.accuracy());
                        case "val_loss" -> e.hasValidation() ? f4(e.valLoss()) : "";
                        case "val_accuracy" -> e.hasValidation() ? f4(e.valAccuracy()) : "";
                        default -> String.format(Locale.ROOT, "%.1f", e.seconds());
                    };
                    group.append(group.length() == 0 && h.equals("loss") ? "" : "  ")
                            .append(String.format(Locale.ROOT, "%" + Math.max(h.length(), 7) + "s", cell));
                }
                out.append(GAP).append(String.format(Locale.ROOT, "%" + widths.get(r) + "s", group));
            }
            out.append('\n');
        }
        for (Run run : runs) { // an empty column group says nothing by itself
            if (run.epochs().isEmpty()) {
                out.append(run.name()).append(": no epochs trained by convnet (a Keras file, or a model imported from one, records none)\n");
            }
        }
        return out.toString().lines().map(String::stripTrailing).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }

    private static EpochRecord find(List<EpochRecord> epochs, int epoch) {
        return epochs.stream().filter(e -> e.epoch() == epoch).findFirst().orElse(null);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
