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
 */
public record RunState(int epochsDone, int epochsTotal, long seed, int batch, double learningRate, int limit,
                       String dataset, double validationSplit, int patience, List<EpochRecord> history,
                       Provenance provenance) {

    public RunState {
        history = List.copyOf(history);
        Objects.requireNonNull(provenance, "provenance (Provenance.NONE when unknown)");
    }

    /** A run that has not started yet. */
    public static RunState fresh(int epochsTotal, long seed, int batch, double learningRate, int limit, String dataset,
                                 double validationSplit, int patience, Provenance provenance) {
        return new RunState(0, epochsTotal, seed, batch, learningRate, limit, dataset, validationSplit, patience,
                List.of(), provenance);
    }

    public RunState with(Provenance newProvenance) {
        return new RunState(epochsDone, epochsTotal, seed, batch, learningRate, limit, dataset, validationSplit, patience,
                history, newProvenance);
    }

    /** The same run, to go on until epoch {@code total}. */
    public RunState withTotal(int total) {
        return new RunState(epochsDone, total, seed, batch, learningRate, limit, dataset, validationSplit, patience, history,
                provenance);
    }

    public RunState afterEpoch(EpochRecord record) {
        List<EpochRecord> more = new ArrayList<>(history);
        more.add(record);
        return new RunState(record.epoch(), epochsTotal, seed, batch, learningRate, limit, dataset, validationSplit,
                patience, more, provenance);
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
            return new RunState(Integer.parseInt(required(p, "epochs.done")), Integer.parseInt(required(p, "epochs.total")),
                    Long.parseLong(required(p, "seed")), Integer.parseInt(required(p, "batch")),
                    Double.parseDouble(required(p, "lr")), Integer.parseInt(required(p, "limit")),
                    p.getProperty("dataset", "mnist"), Double.parseDouble(p.getProperty("validation.split", "0")),
                    Integer.parseInt(p.getProperty("early.stopping.patience", "0")), history, Provenance.fromMap(provenance));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed run state (" + e.getMessage() + ")", e);
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value;
    }
}
