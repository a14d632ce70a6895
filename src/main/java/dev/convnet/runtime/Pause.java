package dev.convnet.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Lets a test stop a child JVM at an exact moment of saving or evaluating, so that it can send a
 * signal there instead of guessing with delays. Does nothing unless the system property
 * {@code convnet.pause} is set to {@code MOMENT} or {@code MOMENT:NAME} (a file name the moment's
 * file ends with); then it creates the file named by {@code convnet.pause.signal} (if set), which
 * the test waits for, and sleeps {@code convnet.pause.millis} (default 3000). Only the first
 * matching moment pauses: the file exists from then on.
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
        String signal = System.getProperty("convnet.pause.signal");
        try {
            if (signal != null) {
                Files.writeString(Path.of(signal), name + " " + file + "\n", StandardOpenOption.CREATE_NEW);
            }
            Thread.sleep(Long.getLong("convnet.pause.millis", 3000));
        } catch (FileAlreadyExistsException e) {
            // paused once already: the test has had its moment
        } catch (IOException e) {
            throw new UncheckedIOException("convnet.pause.signal: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
