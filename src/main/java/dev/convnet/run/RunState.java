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
 * What a saved model needs to continue training exactly where it stopped: how many epochs are done,
 * the run's {@link RunSettings} and {@link RunData}, and the metrics of each epoch so far. Shuffling
 * is derived from the seed and the epoch number, so no random-generator state needs saving. Also
 * the run's {@link Provenance}. Stored as properties text inside the model zip; the keys have not
 * changed since the first run records, so every model file written so far still reads.
 */
public record RunState(int epochsDone, RunSettings settings, RunData data, List<EpochRecord> history,
                       Provenance provenance) {

    public RunState {
        history = List.copyOf(history);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(provenance, "provenance (Provenance.NONE when unknown)");
    }

    /** A run that has not started yet. */
    public static RunState fresh(RunSettings settings, RunData data, Provenance provenance) {
        return new RunState(0, settings, data, List.of(), provenance);
    }

    public RunState with(Provenance newProvenance) {
        return new RunState(epochsDone, settings, data, history, newProvenance);
    }

    /** The same run, to go on until epoch {@code total}. */
    public RunState withTotal(int total) {
        return new RunState(epochsDone, settings.withEpochs(total), data, history, provenance);
    }

    public RunState afterEpoch(EpochRecord record) {
        List<EpochRecord> more = new ArrayList<>(history);
        more.add(record);
        return new RunState(record.epoch(), settings, data, more, provenance);
    }

    public String toText() {
        Properties p = new Properties();
        p.setProperty("epochs.done", String.valueOf(epochsDone));
        p.setProperty("epochs.total", String.valueOf(settings.epochs()));
        p.setProperty("seed", String.valueOf(settings.seed()));
        p.setProperty("batch", String.valueOf(settings.batch()));
        p.setProperty("lr", String.valueOf(settings.learningRate()));
        p.setProperty("limit", String.valueOf(data.limit()));
        p.setProperty("dataset", data.dataset());
        p.setProperty("validation.split", String.valueOf(data.validationSplit()));
        p.setProperty("early.stopping.patience", String.valueOf(settings.patience()));
        p.setProperty("augment", data.augment());
        if (settings.averagesWeights()) {
            p.setProperty("ema.momentum", String.valueOf(settings.emaMomentum()));
        }
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

    /** Parses {@link #toText()}; throws {@link MalformedRunRecordException} when something is missing or malformed. */
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
            RunSettings settings = new RunSettings(whole(p, "epochs.total", null), number(p, "seed", null, Long::parseLong),
                    whole(p, "batch", null), number(p, "lr", null, Double::parseDouble),
                    whole(p, "early.stopping.patience", "0"), number(p, "ema.momentum", "0", Double::parseDouble));
            RunData data = new RunData(p.getProperty("dataset", "mnist"), whole(p, "limit", null),
                    number(p, "validation.split", "0", Double::parseDouble), p.getProperty("augment", "none").trim());
            RunState state = new RunState(whole(p, "epochs.done", null), settings, data, history,
                    Provenance.fromMap(provenance));
            state.checkRanges();
            return state;
        } catch (MalformedRunRecordException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedRunRecordException(e);
        }
    }

    /** Values a run record may hold: a record edited to lr=NaN or batch=0 is refused, not trained or printed. */
    private void checkRanges() {
        int epochsTotal = settings.epochs();
        range("epochs.done", epochsDone >= 0 && epochsDone <= epochsTotal, epochsDone);
        range("epochs.total", epochsTotal >= 1 && epochsTotal <= 100_000, epochsTotal);
        range("batch", settings.batch() >= 1 && settings.batch() <= 1_000_000, settings.batch());
        range("lr", Double.isFinite(settings.learningRate()) && settings.learningRate() > 0, settings.learningRate());
        range("limit", data.limit() >= 0, data.limit());
        range("validation.split", data.validationSplit() >= 0 && data.validationSplit() < 1, data.validationSplit());
        range("early.stopping.patience", settings.patience() >= 0, settings.patience());
        range("ema.momentum", settings.emaMomentum() >= 0 && settings.emaMomentum() < 1, settings.emaMomentum());
        // one line per epoch trained: a record listing 120,000 for 5 done printed 120,047 lines in summary
        range("history", history.size() <= epochsDone, history.size() + " epochs for " + epochsDone + " done");
        int kept = provenance.outcome().keptEpoch();
        range("run." + Outcome.KEPT_EPOCH, kept >= 0 && kept <= epochsDone, kept);
        for (EpochRecord e : history) {
            range("history", Double.isFinite(e.loss()) && Double.isFinite(e.accuracy()) && Double.isFinite(e.seconds()),
                    "epoch " + e.epoch() + " with loss " + e.loss());
        }
    }

    private static void range(String key, boolean ok, Object value) {
        if (!ok) {
            throw new MalformedRunRecordException(key + " is " + value + ", out of range");
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
            throw new MalformedRunRecordException(key + " is '" + shown + "', not a number");
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new MalformedRunRecordException(key + " is missing");
        }
        return value;
    }
}
