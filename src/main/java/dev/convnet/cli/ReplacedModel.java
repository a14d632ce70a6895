package dev.convnet.cli;

import dev.convnet.app.SavedModels;
import dev.convnet.model.ModelStore;
import dev.convnet.run.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The line {@code train} and {@code import} print after saving over a model, as Keras'
 * {@code model.save} saves over one: what went, so that nobody loses a model unawares.
 */
final class ReplacedModel {
    private static final DateTimeFormatter SAVED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

    /** What a command says after saving over an empty file. */
    static final String EMPTY_FILE = "It replaced an empty file there.";

    private ReplacedModel() {
    }

    /**
     * Read before the save: "It replaced the earlier model (test accuracy 0.991, saved 2026-12-01
     * 10:38 UTC); next time -o NAME.zip keeps both.", or null when nothing is at {@code model}.
     */
    static String before(Path model) {
        if (!Files.isRegularFile(model)) {
            return null;
        }
        String what;
        try {
            if (Files.size(model) == 0) {
                return EMPTY_FILE;
            }
            what = new SavedModels(new ModelStore()).runRecord(model).map(record -> {
                Outcome outcome = record.provenance().outcome();
                return "the earlier model (" + (outcome.test() == null ? "not evaluated"
                        : String.format(Locale.ROOT, "test accuracy %.3f", outcome.test().accuracy()))
                        + (outcome.finished() == null ? "" : ", saved " + outcome.finished().atZoneSameInstant(ZoneOffset.UTC).format(SAVED_AT))
                        + ")";
            }).orElse("the earlier model");
        } catch (java.io.IOException | RuntimeException e) { // not a model convnet can read: say only what was there
            what = "a file there convnet could not read as a model";
        }
        return "It replaced " + what + "; next time -o NAME.zip keeps both.";
    }
}
