package dev.convnet.run;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;

/**
 * When a run started and finished and how it scored on the test set; {@code finished} and
 * {@code test} stay null until the run's final save, {@code started} is null in older records.
 */
public record Outcome(OffsetDateTime started, OffsetDateTime finished, TestFigures test) {
    public static final Outcome NONE = new Outcome(null, null, null);

    /** Loss and accuracy on the test set. */
    public record TestFigures(double loss, double accuracy) {
    }

    /** A run that started {@code at} and has not finished. */
    public static Outcome startedAt(OffsetDateTime at) {
        return new Outcome(at, null, null);
    }

    /** The same run, finished {@code at} with the final test figures. */
    public Outcome finished(TestFigures figures, OffsetDateTime at) {
        return new Outcome(started, at, figures);
    }

    /** The run record's keys: {@code started}, {@code finished}, {@code test.loss}, {@code test.accuracy}. */
    void putInto(Map<String, String> m) {
        RecordKeys.put(m, "started", started == null ? null : started.toString());
        RecordKeys.put(m, "finished", finished == null ? null : finished.toString());
        if (test != null) {
            m.put("test.loss", String.format(Locale.ROOT, "%.6f", test.loss()));
            m.put("test.accuracy", String.format(Locale.ROOT, "%.6f", test.accuracy()));
        }
    }

    /** Takes {@link #putInto}'s keys out of {@code m}; IllegalArgumentException on a malformed time or number. */
    static Outcome takeFrom(Map<String, String> m) {
        String loss = m.remove("test.loss");
        String accuracy = m.remove("test.accuracy");
        TestFigures test = loss == null || accuracy == null ? null
                : new TestFigures(Double.parseDouble(loss), Double.parseDouble(accuracy));
        return new Outcome(time(m.remove("started")), time(m.remove("finished")), test);
    }

    private static OffsetDateTime time(String text) {
        return text == null ? null : OffsetDateTime.parse(text);
    }
}
