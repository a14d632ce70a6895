package dev.convnet.run;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What a saved model needs to continue training exactly where it stopped: the settings of the run
 * and how many epochs are done. Shuffling is derived from the seed and the epoch number, so no
 * random-generator state needs saving. Also the run's provenance: command line, versions, native
 * build, dataset checksums, final test metrics. Stored as properties text inside the model zip.
 *
 * @param dataset the dataset's id, e.g. {@code mnist}
 * @param augment the training images' random augmentation as {@code train --augment} reads it
 *     ({@code Augmentation}'s text), or {@code none}; records without one read as {@code none}
 */
public record RunState(int epochsDone, int epochsTotal, long seed, int batch, double learningRate, int limit,
                       String dataset, double validationSplit, int patience, String augment, List<EpochRecord> history,
                       Provenance provenance) {

    public RunState {
        history = List.copyOf(history);
        Objects.requireNonNull(augment, "augment (\"none\" when none)");
        Objects.requireNonNull(provenance, "provenance (Provenance.NONE when unknown)");
    }

    /** A run that has not started yet. */
    public static RunState fresh(int epochsTotal, long seed, int batch, double learningRate, int limit, String dataset,
                                 double validationSplit, int patience, Provenance provenance) {
        return fresh(epochsTotal, seed, batch, learningRate, limit, dataset, validationSplit, patience, "none", provenance);
    }

    /** A run that has not started yet, its training images augmented as {@code augment} says. */
    public static RunState fresh(int epochsTotal, long seed, int batch, double learningRate, int limit, String dataset,
                                 double validationSplit, int patience, String augment, Provenance provenance) {
        return new RunState(0, epochsTotal, seed, batch, learningRate, limit, dataset, validationSplit, patience, augment,
                List.of(), provenance);
    }

    public RunState with(Provenance newProvenance) {
        return new RunState(epochsDone, epochsTotal, seed, batch, learningRate, limit, dataset, validationSplit, patience,
                augment, history, newProvenance);
    }

    /** The same run, to go on until epoch {@code total}. */
    public RunState withTotal(int total) {
        return new RunState(epochsDone, total, seed, batch, learningRate, limit, dataset, validationSplit, patience, augment, history,
                provenance);
    }

    public RunState afterEpoch(EpochRecord record) {
        List<EpochRecord> more = new ArrayList<>(history);
        more.add(record);
        return new RunState(record.epoch(), epochsTotal, seed, batch, learningRate, limit, dataset, validationSplit,
                patience, augment, more, provenance);
    }

    public String toText() {
        Properties p = new Properties();
        p.setProperty("epochs.done", String.valueOf(epochsDone));
        p.setProperty("epochs.total", String.valueOf(epochsTotal));
        p.setProperty("seed", String.valueOf(seed));
        p.setProperty("batch", String.valueOf(batch));
        p.setProperty("lr", String.valueOf(learningRate));
        p.setProperty("limit", String.valueOf(limit));
        p.setProperty("dataset", dataset);
        p.setProperty("validation.split", String.valueOf(validationSplit));
        p.setProperty("early.stopping.patience", String.valueOf(patience));
        p.setProperty("augment", augment);
        StringBuilder csv = new StringBuilder();
        for (EpochRecord e : history) {
            csv.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%d,%s,%s;", e.epoch(), e.loss(), e.accuracy(), e.seconds(),
                    e.steps(), e.valLoss(), e.valAccuracy()));
        }
        p.setProperty("history", csv.toString());
        provenance.asMap().forEach((k, v) -> p.setProperty("run." + k, v));
        StringWriter out = new StringWriter();
        try {
            p.store(out, "convnet run state");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Parses {@link #toText()}; throws IllegalArgumentException when something is missing or malformed. */
    public static RunState fromText(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
            List<EpochRecord> history = new ArrayList<>();
            for (String row : p.getProperty("history", "").split(";")) {
                if (!row.isBlank()) {
                    String[] f = row.split(",");
                    history.add(new EpochRecord(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]), Double.parseDouble(f[3]), Integer.parseInt(f[4]),
                            f.length > 6 ? Double.parseDouble(f[5]) : Double.NaN, f.length > 6 ? Double.parseDouble(f[6]) : Double.NaN));
                }
            }
            Map<String, String> provenance = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("run.")) {
                    provenance.put(key.substring(4), p.getProperty(key));
                }
            }
            RunState state = new RunState(whole(p, "epochs.done", null), whole(p, "epochs.total", null),
                    number(p, "seed", null, Long::parseLong), whole(p, "batch", null),
                    number(p, "lr", null, Double::parseDouble), whole(p, "limit", null),
                    p.getProperty("dataset", "mnist"), number(p, "validation.split", "0", Double::parseDouble),
                    whole(p, "early.stopping.patience", "0"), p.getProperty("augment", "none").trim(), history, Provenance.fromMap(provenance));
            state.checkRanges();
            return state;
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("malformed run record") ? e
                    : new IllegalArgumentException("malformed run record (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed run record (" + e.getMessage() + ")", e);
        }
    }

    /** Values a run record may hold: a record edited to lr=NaN or batch=0 is refused, not trained or printed. */
    private void checkRanges() {
        range("epochs.done", epochsDone >= 0 && epochsDone <= epochsTotal, epochsDone);
        range("epochs.total", epochsTotal >= 1 && epochsTotal <= 100_000, epochsTotal);
        range("batch", batch >= 1 && batch <= 1_000_000, batch);
        range("lr", Double.isFinite(learningRate) && learningRate > 0, learningRate);
        range("limit", limit >= 0, limit);
        range("validation.split", validationSplit >= 0 && validationSplit < 1, validationSplit);
        range("early.stopping.patience", patience >= 0, patience);
        for (EpochRecord e : history) {
            range("history", Double.isFinite(e.loss()) && Double.isFinite(e.accuracy()) && Double.isFinite(e.seconds()),
                    "epoch " + e.epoch() + " with loss " + e.loss());
        }
    }

    private static void range(String key, boolean ok, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("malformed run record: " + key + " is " + value + ", out of range");
        }
    }

    private static int whole(Properties p, String key, String fallback) {
        return number(p, key, fallback, Integer::parseInt);
    }

    /** Parses one value; a bad one is named with its key ("seed is 'banana', not a number"). */
    private static <T> T number(Properties p, String key, String fallback, java.util.function.Function<String, T> parse) {
        String value = fallback == null ? required(p, key) : p.getProperty(key, fallback);
        try {
            return parse.apply(value.trim());
        } catch (NumberFormatException e) {
            String shown = value.length() > 30 ? value.substring(0, 30) + "..." : value;
            throw new IllegalArgumentException("malformed run record: " + key + " is '" + shown + "', not a number");
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("malformed run record: " + key + " is missing");
        }
        return value;
    }
}
