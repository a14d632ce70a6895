package dev.convnet.report;

import dev.convnet.data.Dataset;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.run.RunState;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code evaluate --images DIR --report OUT}: the test-set report's figures for a folder of
 * pictures, with each misread picture shown beside the 28×28 input the model saw (how a user sees
 * why a digit was misread), and the pictures that were skipped.
 */
public final class PictureReport {
    /** Misread pictures shown at most. */
    public static final int GALLERY_MAX = 60;

    private PictureReport() {
    }

    /**
     * One misread picture.
     *
     * @param name its path under the folder
     * @param original the picture as decoded, or null when it cannot be shown
     * @param input the model's input, 784 values in [0, 1]
     */
    public record Misread(String name, BufferedImage original, float[] input, String actual, String predicted) {
    }

    /**
     * Writes confusion.png, misread.png and index.html into {@code dir} (created if needed): all
     * three or, when one cannot be written, none ({@link dev.convnet.data.StagedFiles}).
     *
     * @param unreadable one line per picture that could not be read ("path: reason")
     * @param noDigit the pictures on which no digit was found
     * @param record the model's run record, or null
     * @param model the model file, which the report never replaces
     * @return the index page
     */
    public static Path write(Path dir, String modelName, String folder, Dataset dataset, EvaluationResult result,
                             List<Misread> misread, List<String> unreadable, List<String> noDigit, RunState record, Path model)
            throws IOException {
        try (dev.convnet.data.StagedFiles files = dev.convnet.data.StagedFiles.in(dir, model)) {
            writeFiles(files.staging(), modelName, folder, dataset, result, misread, unreadable, noDigit, record);
            files.commit("index.html");
        }
        return dir.resolve("index.html");
    }

    private static void writeFiles(Path dir, String modelName, String folder, Dataset dataset, EvaluationResult result,
                                   List<Misread> misread, List<String> unreadable, List<String> noDigit, RunState record)
            throws IOException {
        Charts.confusionHeatMap(result, dataset.classNames(), dir.resolve("confusion.png"));
        List<Gallery.Pair> pairs = new ArrayList<>();
        for (Misread m : misread) {
            pairs.add(new Gallery.Pair(m.original(), m.input(), m.actual() + " → " + m.predicted(), m.name()));
        }
        Gallery.pairs(pairs, 5, dir.resolve("misread.png"));
        StringBuilder h = new StringBuilder();
        HtmlReport.head(h, "convnet — " + modelName + " on " + folder);
        h.append("<h1>Evaluation of ").append(HtmlReport.esc(modelName)).append(" on the pictures in ")
                .append(HtmlReport.esc(folder)).append("</h1>\n");
        long total = result.total() + unreadable.size() + noDigit.size();
        h.append(String.format(Locale.ROOT, "<p class=\"big\">Loss <b>%.4f</b> &nbsp; Accuracy <b>%.3f</b> "
                + "(%,d of %,d pictures right)</p>%n", result.loss(), result.accuracy(), result.correct(), result.total()));
        h.append(String.format(Locale.ROOT, "<p>%,d pictures: %,d evaluated, %,d unreadable, %,d with no digit found.</p>%n",
                total, result.total(), unreadable.size(), noDigit.size()));
        HtmlReport.perClassAndConfusion(h, result, dataset.classNames());
        h.append("<h2>Misread pictures</h2>\n<p>The first ").append(misread.size()).append(" of ")
                .append(result.total() - result.correct())
                .append(": each picture as it is, then what the model saw; captioned <i>true → predicted</i>.</p>\n")
                .append("<img src=\"misread.png\" alt=\"misread pictures beside the model's input\">\n");
        list(h, "Unreadable pictures (skipped)", unreadable);
        list(h, "Pictures with no digit found", noDigit);
        HtmlReport.runRecord(h, record);
        h.append("</body></html>\n");
        dev.convnet.data.AtomicFile.writeString(dir.resolve("index.html"), h.toString());
    }

    private static void list(StringBuilder h, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        h.append("<h2>").append(title).append("</h2>\n<ul>\n");
        for (String line : lines) {
            h.append("<li><code>").append(HtmlReport.esc(line)).append("</code></li>\n");
        }
        h.append("</ul>\n");
    }
}
