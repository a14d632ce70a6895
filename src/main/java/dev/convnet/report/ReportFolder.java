package dev.convnet.report;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.run.RunState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code evaluate --report DIR}: confusion.png, misclassified.png and index.html in one folder. */
public final class ReportFolder {
    /** Misclassified test images shown at most. */
    public static final int GALLERY_MAX = 60;

    private ReportFolder() {
    }

    /**
     * Writes the report for {@code result} on {@code test} into {@code dir} (created if needed):
     * all three files or, when one cannot be written, none ({@link dev.convnet.data.StagedFiles}).
     *
     * @param record the model's run record, or null
     * @param model the model file, which the report never replaces
     * @return the index page
     */
    public static Path write(Path dir, String modelName, Dataset dataset, EvaluationResult result, LabeledImages test,
                             RunState record, Path model) throws IOException {
        try (dev.convnet.data.StagedFiles files = dev.convnet.data.StagedFiles.in(dir, model)) {
            writeFiles(files.staging(), modelName, dataset, result, test, record);
            files.commit("index.html");
        }
        return dir.resolve("index.html");
    }

    private static void writeFiles(Path dir, String modelName, Dataset dataset, EvaluationResult result, LabeledImages test,
                                   RunState record) throws IOException {
        Charts.confusionHeatMap(result, dataset.classNames(), dir.resolve("confusion.png"));
        List<Gallery.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < test.size() && tiles.size() < GALLERY_MAX; i++) {
            int predicted = result.predicted()[i];
            if (predicted != test.classes()[i]) {
                tiles.add(new Gallery.Tile(test.image(i), "#" + i + ": " + dataset.classNames().get(test.classes()[i])
                        + " → " + dataset.classNames().get(predicted)));
            }
        }
        int side = (int) test.images().size(2);
        Gallery.captioned(tiles, dataset == Dataset.MNIST ? 10 : 6, side, dir.resolve("misclassified.png"));
        HtmlReport.write(dir, modelName, dataset.id(), result, dataset.classNames(), tiles.size(), record);
    }
}
