package dev.convnet.report;

import dev.convnet.eval.EvaluationResult;
import dev.convnet.run.RunState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A self-contained index.html beside the report's PNG files: metrics, pictures, run record. */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static void write(Path dir, String modelName, String dataset, EvaluationResult result, List<String> names,
                             int misclassifiedShown, RunState record) throws IOException {
        StringBuilder h = new StringBuilder();
        head(h, "convnet — " + modelName);
        h.append("<h1>Evaluation of ").append(esc(modelName)).append(" on the ").append(esc(dataset)).append(" test set</h1>\n");
        h.append(String.format(Locale.ROOT, "<p class=\"big\">Test loss <b>%.4f</b> &nbsp; Test accuracy <b>%.3f</b> "
                + "(%,d of %,d images right)</p>%n", result.loss(), result.accuracy(), result.correct(), result.total()));
        perClassAndConfusion(h, result, names);
        h.append("<h2>Misclassified test images</h2>\n<p>The first ").append(misclassifiedShown)
                .append(" of ").append(result.total() - result.correct())
                .append(", captioned <i>true → predicted</i>.</p>\n<img src=\"misclassified.png\" alt=\"misclassified images\">\n");
        runRecord(h, record);
        h.append("</body></html>\n");
        dev.convnet.data.AtomicFile.writeString(dir.resolve("index.html"), h.toString());
    }

    /** The page's head and style, up to the open body. */
    static void head(StringBuilder h, String title) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}\n")
                .append("h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}\n")
                .append("table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd}\n")
                .append("td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append(".big{font-size:1.3em}img{max-width:100%;border:1px solid #eee}\n</style></head><body>\n");
    }

    /** Precision, recall, F1 and support per class, then the confusion matrix (confusion.png beside the page). */
    static void perClassAndConfusion(StringBuilder h, EvaluationResult result, List<String> names) {
        h.append("<h2>Per class</h2>\n<table><tr><th>class</th><th class=n>precision</th><th class=n>recall</th>"
                + "<th class=n>F1</th><th class=n>support</th></tr>\n");
        for (int c = 0; c < result.classes(); c++) {
            if (!result.occurs(c)) {
                continue; // as the text report and scikit-learn's: a class neither true nor predicted has no figures
            }
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=n>%.4f</td><td class=n>%.4f</td>"
                    + "<td class=n>%.4f</td><td class=n>%,d</td></tr>%n", esc(names.get(c)), result.precision(c),
                    result.recall(c), result.f1(c), result.support(c)));
        }
        h.append("</table>\n<h2>Confusion matrix</h2>\n<img src=\"confusion.png\" alt=\"confusion matrix heat map\">\n");
    }

    /** The model's run record as a table, when it has one. */
    static void runRecord(StringBuilder h, RunState record) {
        if (record != null) {
            h.append("<h2>Run record</h2>\n<table>\n");
            for (Map.Entry<String, String> e : RunRecordText.fields(record).entrySet()) {
                h.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(esc(e.getValue())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
