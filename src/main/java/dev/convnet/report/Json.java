package dev.convnet.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.Outcome;
import dev.convnet.run.RunState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The documents {@code --json} prints: plain maps and lists, written by Jackson. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(Double.class, new NonFinite<>(Double.class))
                    .addSerializer(Float.class, new NonFinite<>(Float.class)));

    static {
        MAPPER.getFactory().setCharacterEscapes(new TerminalSafe());
    }

    /**
     * JSON escapes only characters below U+0020; a name from a file may also hold what
     * {@link Printable} escapes in text: C1 controls (U+009B starts a terminal escape sequence) and
     * direction marks and overrides, which would reach a terminal raw. Those are written as
     * \\uXXXX, still the same string to any JSON reader.
     */
    private static final class TerminalSafe extends com.fasterxml.jackson.core.io.CharacterEscapes {
        private final int[] escapes = escapesWithDelete();

        private static int[] escapesWithDelete() {
            int[] table = standardAsciiEscapesForJSON();
            table[0x7F] = ESCAPE_STANDARD; // DEL, the one ASCII control JSON leaves raw
            return table;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
            return ch >= 0x80 && Printable.isUnsafe(ch) ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }

    /** A number that is NaN or infinite is written as null: Jackson's default, the string "NaN", is not a number to a reader. */
    private static final class NonFinite<T extends Number> extends com.fasterxml.jackson.databind.ser.std.StdSerializer<T> {
        NonFinite(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, com.fasterxml.jackson.core.JsonGenerator out,
                              com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
            double d = value.doubleValue();
            if (!Double.isFinite(d)) {
                out.writeNull();
            } else if (value instanceof Float f) {
                out.writeNumber(f);
            } else {
                out.writeNumber(d);
            }
        }
    }

    private Json() {
    }

    public static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> evaluation(EvaluationResult result, List<String> classNames) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("loss", result.loss());
        doc.put("accuracy", result.accuracy());
        doc.put("images", result.total());
        doc.put("class_names", classNames);
        doc.put("confusion_matrix", result.confusion());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < result.classes(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", classNames.get(c));
            row.put("precision", result.precision(c));
            row.put("recall", result.recall(c));
            row.put("f1", result.f1(c));
            row.put("support", result.support(c));
            perClass.add(row);
        }
        doc.put("per_class", perClass);
        return doc;
    }

    public static List<Map<String, Object>> history(List<EpochRecord> epochs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EpochRecord e : epochs) {
            rows.add(epoch(e));
        }
        return rows;
    }

    /** One epoch's metrics, Keras' names; {@code val_*} only when the run held out validation images. A new, mutable map. */
    public static Map<String, Object> epoch(EpochRecord e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", e.epoch());
        row.put("loss", e.loss());
        row.put("accuracy", e.accuracy());
        if (e.hasValidation()) {
            row.put("val_loss", e.valLoss());
            row.put("val_accuracy", e.valAccuracy());
        }
        row.put("seconds", e.seconds());
        return row;
    }

    /** A JSON object with its keys in the order given (Map.of has none): key, value, key, value, ... */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) {
            doc.put((String) keysAndValues[k], keysAndValues[k + 1]);
        }
        return doc;
    }

    /** The run record: settings, provenance and per-epoch metrics. */
    public static Map<String, Object> run(RunState state) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dataset", state.data().dataset());
        doc.put("epochs", state.epochsDone());
        doc.put("seed", state.settings().seed());
        doc.put("batch", state.settings().batch());
        doc.put("learning_rate", state.settings().learningRate());
        doc.put("limit", state.data().limit());
        doc.put("validation_split", state.data().validationSplit());
        doc.put("early_stopping_patience", state.settings().patience());
        doc.put("augment", state.data().augment());
        if (state.settings().averagesWeights()) { // absent otherwise, as in records written before --ema
            doc.put("ema_momentum", state.settings().emaMomentum());
        }
        doc.putAll(state.provenance().asMap());
        for (String key : new String[] {"test.loss", "test.accuracy"}) { // numbers for jq and scripts, as the record file
            if (doc.get(key) instanceof String text) { // rounds them: train --json and a later read give the same value
                doc.put(key, Double.valueOf(text));
            }
        }
        if (doc.get(Outcome.KEPT_EPOCH) instanceof String kept) { // the epoch whose weights the model holds
            doc.put(Outcome.KEPT_EPOCH, Integer.valueOf(kept));
        }
        doc.put("history", history(state.history()));
        return doc;
    }
}
