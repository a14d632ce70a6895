package dev.convnet.run;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a saved model came from, in the manner of Tribuo's provenance: the command that made it,
 * its network and optimiser, the {@link Software} it ran on, the dataset files it saw, and its
 * {@link Outcome}. The text fields may be null: older model files lack some.
 *
 * <p>Stored as {@code run.KEY=VALUE} lines of the run record, with the keys of {@link #asMap()}
 * (the same keys as before provenance was typed, so older files still read). Keys this version
 * does not know are kept in {@code other} and written back unchanged.
 *
 * @param architecture the network, as {@code Architecture.describe()}, e.g. {@code convnet 32,64,128 k3 s1 valid}
 * @param optimizer the optimiser's id, e.g. {@code rmsprop}
 * @param datasetChecksums SHA-256 of each dataset file, by file name
 */
public record Provenance(String command, String architecture, String optimizer, Software software,
                         Map<String, String> datasetChecksums, Outcome outcome, Map<String, String> other) {

    public static final Provenance NONE = new Provenance(null, null, null, Software.UNKNOWN, Map.of(), Outcome.NONE,
            Map.of());

    private static final String SHA256 = "sha256.";

    public Provenance {
        Objects.requireNonNull(software, "software (Software.UNKNOWN when unknown)");
        Objects.requireNonNull(outcome, "outcome (Outcome.NONE when unknown)");
        datasetChecksums = Collections.unmodifiableSortedMap(new TreeMap<>(datasetChecksums));
        other = Collections.unmodifiableSortedMap(new TreeMap<>(other));
    }

    public Provenance withEngine(String engineName) {
        return new Provenance(command, architecture, optimizer, software.withEngine(engineName), datasetChecksums, outcome,
                other);
    }

    /** The same provenance for a run that goes on (resumed): its outcome {@link Outcome#unfinished}. */
    public Provenance unfinished() {
        return new Provenance(command, architecture, optimizer, software, datasetChecksums, outcome.unfinished(), other);
    }

    /**
     * The same provenance with the final test figures, the time the run finished and the epoch whose
     * weights the model holds (0: the last; see {@link Outcome#keptEpoch}).
     */
    public Provenance finished(Outcome.TestFigures figures, OffsetDateTime at, int keptEpoch) {
        return new Provenance(command, architecture, optimizer, software, datasetChecksums,
                outcome.finished(figures, at, keptEpoch), other);
    }

    /** Every known field as {@code key → text}, sorted by key, as the run record shows and stores it. */
    public SortedMap<String, String> asMap() {
        SortedMap<String, String> m = new TreeMap<>(other);
        RecordKeys.put(m, "command", command);
        RecordKeys.put(m, "architecture", architecture);
        RecordKeys.put(m, "optimizer", optimizer);
        software.putInto(m);
        datasetChecksums.forEach((file, sum) -> m.put(SHA256 + file, sum));
        outcome.putInto(m);
        return Collections.unmodifiableSortedMap(m);
    }

    /** Reads {@link #asMap()}'s keys back; throws IllegalArgumentException on a malformed time or number. */
    public static Provenance fromMap(Map<String, String> map) {
        Map<String, String> rest = new TreeMap<>(map);
        Map<String, String> checksums = new TreeMap<>();
        map.forEach((key, value) -> {
            if (key.startsWith(SHA256)) {
                checksums.put(key.substring(SHA256.length()), value);
                rest.remove(key);
            }
        });
        Outcome outcome = Outcome.takeFrom(rest);
        Software software = Software.takeFrom(rest);
        return new Provenance(rest.remove("command"), rest.remove("architecture"), rest.remove("optimizer"), software,
                checksums, outcome, rest);
    }
}
