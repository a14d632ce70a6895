package dev.convnet.run;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a saved model came from: the command, settings and versions that made it, the dataset
 * files it saw, when, and how it scored on the test set. Every field may be null: older model
 * files lack some, and a run fills in the test figures only at its end.
 *
 * <p>Stored as {@code run.KEY=VALUE} lines of the run record, with the keys of {@link #asMap()}
 * (the same keys as before provenance was typed, so older files still read). Keys this version
 * does not know are kept in {@code other} and written back unchanged.
 *
 * @param datasetChecksums SHA-256 of each dataset file, by file name
 * @param nativeBuild the ND4J native build, oneDNN ISA and threads, as {@code NativeRuntime.describe()}
 * @param engine the engine the steps ran on, e.g. {@code oneDNN}
 */
public record Provenance(String command, String architecture, String optimizer, String convnetVersion,
                         String dl4jVersion, String java, String nativeBuild, String engine,
                         Map<String, String> datasetChecksums, OffsetDateTime started, OffsetDateTime finished,
                         TestFigures test, Map<String, String> other) {

    /** Loss and accuracy on the test set. */
    public record TestFigures(double loss, double accuracy) {
    }

    public static final Provenance NONE = new Provenance(null, null, null, null, null, null, null, null,
            Map.of(), null, null, null, Map.of());

    private static final String SHA256 = "sha256.";

    public Provenance {
        datasetChecksums = Collections.unmodifiableSortedMap(new TreeMap<>(datasetChecksums));
        other = Collections.unmodifiableSortedMap(new TreeMap<>(other));
    }

    public Provenance withEngine(String engineName) {
        return new Provenance(command, architecture, optimizer, convnetVersion, dl4jVersion, java, nativeBuild,
                engineName, datasetChecksums, started, finished, test, other);
    }

    /** The same provenance with the final test figures and the time the run finished. */
    public Provenance finished(TestFigures figures, OffsetDateTime at) {
        return new Provenance(command, architecture, optimizer, convnetVersion, dl4jVersion, java, nativeBuild,
                engine, datasetChecksums, started, at, figures, other);
    }

    /** Every known field as {@code key → text}, sorted by key, as the run record shows and stores it. */
    public SortedMap<String, String> asMap() {
        SortedMap<String, String> m = new TreeMap<>(other);
        put(m, "command", command);
        put(m, "architecture", architecture);
        put(m, "optimizer", optimizer);
        put(m, "convnet", convnetVersion);
        put(m, "dl4j.nd4j", dl4jVersion);
        put(m, "java", java);
        put(m, "native", nativeBuild);
        put(m, "engine", engine);
        datasetChecksums.forEach((file, sum) -> m.put(SHA256 + file, sum));
        put(m, "started", started == null ? null : started.toString());
        put(m, "finished", finished == null ? null : finished.toString());
        if (test != null) {
            m.put("test.loss", String.format(Locale.ROOT, "%.6f", test.loss()));
            m.put("test.accuracy", String.format(Locale.ROOT, "%.6f", test.accuracy()));
        }
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
        String loss = rest.remove("test.loss");
        String accuracy = rest.remove("test.accuracy");
        TestFigures test = loss == null || accuracy == null ? null
                : new TestFigures(Double.parseDouble(loss), Double.parseDouble(accuracy));
        return new Provenance(rest.remove("command"), rest.remove("architecture"), rest.remove("optimizer"),
                rest.remove("convnet"), rest.remove("dl4j.nd4j"), rest.remove("java"), rest.remove("native"),
                rest.remove("engine"), checksums, time(rest.remove("started")), time(rest.remove("finished")), test, rest);
    }

    private static OffsetDateTime time(String text) {
        return text == null ? null : OffsetDateTime.parse(text);
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
