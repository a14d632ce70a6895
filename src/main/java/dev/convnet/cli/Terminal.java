package dev.convnet.cli;

import dev.convnet.report.ProgressBar;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** What the terminal on stdout can show: whether there is one, its TERM, and its width (0 if unknown). */
record Terminal(boolean console, String term, int columns) {

    static Terminal detect() {
        boolean console = System.console() != null;
        return new Terminal(console, System.getenv("TERM"), console ? measureColumns() : 0);
    }

    /** The progress bar redraws in place only where that looks right (see {@link ProgressBar#canRedraw}). */
    boolean canRedraw() {
        return ProgressBar.canRedraw(console, term, columns);
    }

    /** Keras' progress bar for this terminal: redrawn in place, as wide as fits, where it can be; else one line an epoch. */
    ProgressBar progressBar(java.io.PrintWriter out) {
        return new ProgressBar(out, canRedraw(), columns);
    }

    /** $COLUMNS when the shell exports it, else what {@code stty size} reports for the terminal, else 0. */
    private static int measureColumns() {
        try {
            String env = System.getenv("COLUMNS");
            if (env != null && env.matches("\\d{1,5}")) {
                return Integer.parseInt(env);
            }
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!stty.waitFor(2, TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return 0;
            }
            String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
            return size.length == 2 && size[1].matches("\\d{1,5}") ? Integer.parseInt(size[1]) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
