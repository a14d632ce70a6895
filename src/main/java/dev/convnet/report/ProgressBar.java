package dev.convnet.report;

import dev.convnet.run.EpochRecord;
import dev.convnet.run.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Keras' progress output: {@code Epoch 1/5}, then
 * {@code 938/938 [==============================] - 41s 44ms/step - loss: 0.1523 - accuracy: 0.9532}.
 *
 * <p>On a terminal the bar is redrawn in place (at most ten times a second, so drawing costs
 * nothing next to training), narrowed from Keras' 30 characters to as few as 10 so that the line
 * fits the terminal's width (a line that wraps cannot be redrawn in place); elsewhere, a log or a
 * pipe, each epoch prints one final line with Keras' 30-character bar.
 */
public final class ProgressBar implements ProgressListener {
    private static final int BAR_WIDTH = 30;
    private static final int MIN_BAR_WIDTH = 10;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final int columns;
    private int steps;
    private int barWidth = BAR_WIDTH;
    private long epochStart;
    private long lastDraw;

    /**
     * What a redrawn line holds besides the bar, for 938 steps: "938/938 [" "] - ETA: 1:02:03" " - loss: 0.1234 -
     * accuracy: 0.9876" (59 characters), and one column so that the cursor never reaches the last (some terminals wrap there).
     */
    private static int redrawnTextWidth(int steps) {
        return 2 * String.valueOf(steps).length() + 3 + 16 + 34 + 1;
    }

    /** The narrowest terminal a bar of 938 steps (the book's epoch) is redrawn on: 70 columns. */
    static final int REDRAW_COLUMNS = redrawnTextWidth(938) + MIN_BAR_WIDTH;

    /**
     * Whether a bar redrawn in place will look right: only on a terminal that understands the
     * escape codes (not {@code TERM=dumb}, not unset) and is wide enough for the line; anywhere else
     * each epoch prints one final line. {@code columns} is 0 when the width is unknown.
     */
    public static boolean canRedraw(boolean console, String term, int columns) {
        return console && term != null && !term.isBlank() && !"dumb".equals(term)
                && (columns <= 0 || columns >= REDRAW_COLUMNS);
    }

    /** A bar for a terminal of unknown width, or for a log when {@code live} is false. */
    public ProgressBar(PrintWriter out, boolean live) {
        this(out, live, 0);
    }

    /**
     * @param live whether to redraw in place (see {@link #canRedraw})
     * @param columns the terminal's width in characters, 0 when unknown (then Keras' 30-character bar)
     */
    public ProgressBar(PrintWriter out, boolean live, int columns) {
        this.out = out;
        this.live = live;
        this.columns = columns;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        this.steps = steps;
        this.barWidth = live && columns > 0
                ? Math.max(MIN_BAR_WIDTH, Math.min(BAR_WIDTH, columns - redrawnTextWidth(steps)))
                : BAR_WIDTH;
        this.epochStart = System.nanoTime();
        this.lastDraw = 0;
        out.printf(Locale.ROOT, "Epoch %d/%d%n", epoch, epochs);
        out.flush();
    }

    @Override
    public void batchFinished(int step, double meanLoss, double meanAccuracy) {
        if (!live || step == steps) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - epochStart) / 1e9;
        double eta = elapsed / step * (steps - step);
        out.print("\r" + bar(step) + " - ETA: " + duration(eta) + metrics(meanLoss, meanAccuracy) + "\u001B[K");
        out.flush();
    }

    @Override
    public void epochFinished(EpochRecord record) {
        double perStep = record.seconds() / record.steps();
        String line = bar(record.steps()) + " - " + Math.round(record.seconds()) + "s " + perStep(perStep)
                + metrics(record.loss(), record.accuracy())
                + (record.hasValidation() ? String.format(Locale.ROOT, " - val_loss: %.4f - val_accuracy: %.4f",
                        record.valLoss(), record.valAccuracy()) : "");
        out.print(live ? "\r" + line + "\u001B[K\n" : line + "\n");
        out.flush();
    }

    private String bar(int step) {
        int width = String.valueOf(steps).length();
        int filled = (int) ((long) barWidth * step / steps);
        StringBuilder bar = new StringBuilder(String.format(Locale.ROOT, "%" + width + "d/%d [", step, steps));
        if (filled > 0) {
            bar.append("=".repeat(filled - 1)).append(step < steps ? '>' : '=');
        }
        return bar.append(".".repeat(barWidth - filled)).append(']').toString();
    }

    private static String metrics(double loss, double accuracy) {
        return String.format(Locale.ROOT, " - loss: %.4f - accuracy: %.4f", loss, accuracy);
    }

    static String perStep(double seconds) {
        if (seconds >= 1) {
            return Math.round(seconds) + "s/step";
        }
        if (seconds >= 1e-3) {
            return Math.round(seconds * 1e3) + "ms/step";
        }
        return Math.round(seconds * 1e6) + "us/step";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return s + "s";
    }
}
