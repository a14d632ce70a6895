package dev.convnet.report;

import dev.convnet.run.RunState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The run record of a saved model as aligned "key: value" lines, for summary and evaluate. A model
 * imported from Keras and not yet fine-tuned shows where it was trained and what {@code train
 * --resume} would run, not its fine-tuning defaults as if they were its training.
 */
public final class RunRecordText {
    /** The provenance key {@code import} writes: the Keras format the weights came from. */
    private static final String IMPORTED_FORMAT = "imported.format";

    private RunRecordText() {
    }

    public static Map<String, String> fields(RunState state) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("dataset", state.data().dataset());
        if (state.epochsDone() == 0 && state.provenance().asMap().containsKey(IMPORTED_FORMAT)) {
            // an imported model not yet fine-tuned: its settings are what 'train --resume' would use, not how it was trained
            f.put("trained", "outside convnet (" + state.provenance().asMap().get(IMPORTED_FORMAT) + "): its epochs, batch and "
                    + "seed are not in the file");
            f.put("fine-tuning", String.format(Locale.ROOT, "%d epoch%s, batch %d, lr %s, seed %d (what 'train --resume' runs)",
                    state.settings().epochs(), state.settings().epochs() == 1 ? "" : "s", state.settings().batch(),
                    state.settings().learningRate(), state.settings().seed()));
        } else {
            f.put("epochs", state.epochsDone() + " of " + state.settings().epochs());
            f.put("seed", String.valueOf(state.settings().seed()));
            f.put("batch", String.valueOf(state.settings().batch()));
            f.put("learning rate", String.valueOf(state.settings().learningRate()));
        }
        if (state.data().limit() > 0) {
            f.put("limit", String.format(Locale.ROOT, "%,d", state.data().limit()));
        }
        if (state.data().validationSplit() > 0) {
            f.put("validation split", String.valueOf(state.data().validationSplit()));
        }
        if (state.settings().patience() > 0) {
            int kept = state.provenance().outcome().keptEpoch();
            f.put("early stopping", "patience " + state.settings().patience()
                    + (kept > 0 ? "; the model holds epoch " + kept + "'s weights (the lowest val_loss of that run's epochs)" : ""));
        }
        if (!state.data().augment().equals("none")) {
            f.put("augment", state.data().augment());
        }
        if (state.settings().averagesWeights()) {
            f.put("ema momentum", String.valueOf(state.settings().emaMomentum()));
        }
        // the record stores test figures with six places (0.754700); shown as the number they are (0.7547)
        state.provenance().asMap().forEach((k, v) -> {
            if (!k.equals(dev.convnet.run.Outcome.KEPT_EPOCH)) { // said in words above
                f.put(k, k.startsWith("test.") ? trimmed(v) : v);
            }
        });
        return f;
    }

    private static String trimmed(String number) {
        try {
            return new java.math.BigDecimal(number).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return number;
        }
    }

    public static String render(RunState state) {
        Map<String, String> f = fields(state);
        int width = f.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder("Run record\n");
        f.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", Printable.text(k), Printable.text(v))));
        if (!state.history().isEmpty()) {
            out.append("  per epoch\n");
            state.history().forEach(e -> out.append(String.format(Locale.ROOT,
                    "    %3d  loss %.4f  accuracy %.4f%s  %.1fs%n", e.epoch(), e.loss(), e.accuracy(),
                    e.hasValidation() ? String.format(Locale.ROOT, "  val_loss %.4f  val_accuracy %.4f", e.valLoss(), e.valAccuracy()) : "",
                    e.seconds())));
        }
        return out.toString();
    }
}
