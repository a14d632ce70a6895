package dev.convnet.runtime;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Lets a test stop a child JVM at an exact moment of saving or evaluating, so that it can send a
 * signal there instead of guessing with delays. Does nothing unless the system property
 * {@code convnet.pause} is set to {@code MOMENT} or {@code MOMENT:NAME} (a file name the moment's
 * file ends with); then it prints {@code convnet: paused at MOMENT FILE} on stderr and sleeps
 * {@code convnet.pause.millis} (default 3000).
 */
public final class Pause {
    /** The moments a signal test aims at. */
    public enum Moment {
        /** The model's bytes are in the temporary file; the run record and the rename are still to come. */
        WRITE,
        /** The temporary file is complete; the rename over the target is next. */
        RENAME,
        /** Training is over; the final evaluation on the test set starts. */
        EVALUATE
    }

    private Pause() {
    }

    public static void at(Moment moment, Path file) {
        String wanted = System.getProperty("convnet.pause");
        if (wanted == null) {
            return;
        }
        String name = moment.name().toLowerCase(Locale.ROOT);
        int colon = wanted.indexOf(':');
        boolean match = colon < 0 ? wanted.equals(name)
                : wanted.substring(0, colon).equals(name) && file != null && file.toString().endsWith(wanted.substring(colon + 1));
        if (!match) {
            return;
        }
        System.err.println("convnet: paused at " + name + " " + file);
        System.err.flush();
        try {
            Thread.sleep(Long.getLong("convnet.pause.millis", 3000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
