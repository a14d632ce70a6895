package dev.convnet.report;

import dev.convnet.run.RunState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The run record of a saved model as aligned "key: value" lines, for summary and evaluate. */
public final class RunRecordText {
    private RunRecordText() {
    }

    public static Map<String, String> fields(RunState state) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("dataset", state.data().dataset());
        f.put("epochs", state.epochsDone() + " of " + state.settings().epochs());
        f.put("seed", String.valueOf(state.settings().seed()));
        f.put("batch", String.valueOf(state.settings().batch()));
        f.put("learning rate", String.valueOf(state.settings().learningRate()));
        if (state.data().limit() > 0) {
            f.put("limit", String.valueOf(state.data().limit()));
        }
        if (state.data().validationSplit() > 0) {
            f.put("validation split", String.valueOf(state.data().validationSplit()));
        }
        if (!state.data().augment().equals("none")) {
            f.put("augment", state.data().augment());
        }
        if (state.settings().averagesWeights()) {
            f.put("ema momentum", String.valueOf(state.settings().emaMomentum()));
        }
        state.provenance().asMap().forEach(f::put);
        return f;
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
