package dev.convnet.run;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;

/**
 * When a run started and finished, how it scored on the test set, and which epoch's weights the
 * model holds: {@code finished} and {@code test} stay null until the run's final save, {@code started}
 * is null in older records; {@code keptEpoch} is 0 for the last epoch's weights, else the epoch early
 * stopping restored (the lowest val_loss, as Keras' EarlyStopping with restore_best_weights).
 */
public record Outcome(OffsetDateTime started, OffsetDateTime finished, TestFigures test, int keptEpoch) {
    public static final Outcome NONE = new Outcome(null, null, null, 0);

    /** Loss and accuracy on the test set. */
    public record TestFigures(double loss, double accuracy) {
    }

    /** A run that started {@code at} and has not finished. */
    public static Outcome startedAt(OffsetDateTime at) {
        return new Outcome(at, null, null, 0);
    }

    /** The same run going on again (resumed): started when it started; not finished, no test figures, no kept epoch. */
    public Outcome unfinished() {
        return new Outcome(started, null, null, 0);
    }

    /** The same run, finished {@code at} with the final test figures and the weights of epoch {@code keptEpoch} (0: the last). */
    public Outcome finished(TestFigures figures, OffsetDateTime at, int keptEpoch) {
        return new Outcome(started, at, figures, keptEpoch);
    }

    /** The run record's keys: {@code started}, {@code finished}, {@code test.loss}, {@code test.accuracy}, {@code kept.epoch}. */
    void putInto(Map<String, String> m) {
        RecordKeys.put(m, "started", started == null ? null : started.toString());
        RecordKeys.put(m, "finished", finished == null ? null : finished.toString());
        if (test != null) {
            m.put("test.loss", String.format(Locale.ROOT, "%.6f", test.loss()));
            m.put("test.accuracy", String.format(Locale.ROOT, "%.6f", test.accuracy()));
        }
        if (keptEpoch > 0) { // absent for the last epoch's weights, as in every record before early stopping kept one
            m.put(KEPT_EPOCH, String.valueOf(keptEpoch));
        }
    }

    /** The record's key for {@link #keptEpoch}. */
    public static final String KEPT_EPOCH = "kept.epoch";

    /** Takes {@link #putInto}'s keys out of {@code m}; IllegalArgumentException on a malformed time or number. */
    static Outcome takeFrom(Map<String, String> m) {
        String loss = m.remove("test.loss");
        String accuracy = m.remove("test.accuracy");
        TestFigures test = loss == null || accuracy == null ? null
                : new TestFigures(Double.parseDouble(loss), Double.parseDouble(accuracy));
        String kept = m.remove(KEPT_EPOCH);
        return new Outcome(time(m.remove("started")), time(m.remove("finished")), test, kept == null ? 0 : Integer.parseInt(kept));
    }

    private static OffsetDateTime time(String text) {
        return text == null ? null : OffsetDateTime.parse(text);
    }
}
