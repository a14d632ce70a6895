package dev.convnet.app;

import dev.convnet.data.DataFormatException;
import dev.convnet.data.Dataset;
import dev.convnet.data.ImageFolder;
import dev.convnet.data.LabeledImages;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ModelFileException;
import dev.convnet.report.PictureReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code evaluate MODEL --images DIR}: a saved model on a folder of labelled pictures (Keras'
 * {@code image_dataset_from_directory} layout, {@link ImageFolder}), each prepared as
 * {@code predict} prepares it, with the same figures as on the test set. A picture that cannot be
 * read is listed and skipped; one with no digit on it is counted apart, not guessed at.
 */
public final class PictureEvaluation {
    private final SavedModels models;

    public PictureEvaluation(SavedModels models) {
        this.models = models;
    }

    /**
     * Evaluate {@code model} on the pictures under {@code images}.
     *
     * @param dataset whose class names the folders use; empty: the one the model was trained on
     * @param batch images per forward pass
     * @param reportFolder where to write the HTML report, if wanted
     * @param precision the arithmetic of the forward passes (bf16 on the oneDNN engine only)
     */
    public record Plan(Path model, Path images, Optional<Dataset> dataset, dev.convnet.engine.Engine engine, int batch,
                       Optional<Path> reportFolder, dev.convnet.engine.Precision precision) {
        public Plan {
            if (batch < 1) {
                throw new InvalidSettingException(Setting.BATCH, "must be at least 1, got " + batch);
            }
        }
    }

    /** A picture that was not evaluated, and why. */
    public record Skipped(Path file, String reason) {
    }

    /**
     * The figures on the pictures that had a digit.
     *
     * @param files the evaluated pictures, in the order of {@code result}'s predictions
     * @param labels their classes (the folder each was in)
     * @param unreadable the pictures that could not be read, with the reason
     * @param noDigit the pictures on which no digit was found
     * @param ignored the files not named as pictures, not read (as Keras leaves them)
     */
    public record Outcome(LoadedModel model, Dataset dataset, EvaluationResult result, List<Path> files, int[] labels,
                          List<Skipped> unreadable, List<Path> noDigit, List<Path> ignored, Optional<Path> report) {
        /** Every picture in the folder (the files named as pictures). */
        public int pictures() {
            return files.size() + unreadable.size() + noDigit.size();
        }
    }

    /**
     * Runs {@code plan}.
     *
     * @throws ImageFolder.LayoutException when the folder is not in the expected layout
     * @throws dev.convnet.data.DataFormatException when no picture could be evaluated
     * @throws dev.convnet.engine.EngineUnavailableException when the plan's engine cannot run the model
     */
    public Outcome run(Plan plan) {
        Dataset dataset = plan.dataset().orElseGet(() -> SavedModels.trainedOn(models.runRecord(plan.model())));
        ImageFolder.Listing listing = ImageFolder.list(plan.images(), dataset.classNames());
        List<ImageFolder.Picture> pictures = listing.pictures();
        LoadedModel model = models.load(plan.model());
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        List<Skipped> unreadable = new ArrayList<>();
        List<Path> noDigit = new ArrayList<>();
        for (ImageFolder.Picture picture : pictures) {
            PicturePreparation.Result prepared = PicturePreparation.prepare(picture.file(), dataset);
            if (prepared instanceof PicturePreparation.Result.Input input) {
                files.add(picture.file());
                labels.add(picture.label());
                inputs.add(input.pixels());
            } else if (prepared instanceof PicturePreparation.Result.Unreadable bad) {
                unreadable.add(new Skipped(picture.file(), bad.reason()));
            } else {
                noDigit.add(picture.file());
            }
        }
        if (files.isEmpty()) {
            throw new DataFormatException("no picture under " + plan.images() + " could be evaluated (" + pictures.size()
                    + " pictures: " + unreadable.size() + " unreadable, " + noDigit.size() + " with no digit found"
                    + (listing.ignored().isEmpty() ? "" : "; " + listing.ignored().size() + " other files ignored, named as no "
                    + "picture is: .png, .jpg, .jpeg, .gif or .bmp") + ")"
                    + (unreadable.isEmpty() ? "" : "; the first: " + unreadable.get(0).file() + ": " + unreadable.get(0).reason()));
        }
        int[] classes = labels.stream().mapToInt(Integer::intValue).toArray();
        EvaluationResult result = new Evaluator(plan.batch(), plan.engine(), plan.precision()).evaluate(model.graph(), asImages(inputs, classes));
        Optional<Path> report = plan.reportFolder().map(dir -> writeReport(dir, plan, model, dataset, result, files, classes,
                inputs, unreadable, noDigit));
        return new Outcome(model, dataset, result, List.copyOf(files), classes, List.copyOf(unreadable), List.copyOf(noDigit),
                listing.ignored(), report);
    }

    private static LabeledImages asImages(List<float[]> inputs, int[] classes) {
        int n = inputs.size();
        float[] all = new float[n * 784];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs.get(i), 0, all, i * 784, 784);
            labels[i] = classes[i];
        }
        return new LabeledImages(Nd4j.create(all, new long[] {n, 1, 28, 28}, 'c'), Nd4j.create(labels, new long[] {n, 1}, 'c'),
                classes);
    }

    private static Path writeReport(Path dir, Plan plan, LoadedModel model, Dataset dataset, EvaluationResult result,
                                    List<Path> files, int[] classes, List<float[]> inputs, List<Skipped> unreadable,
                                    List<Path> noDigit) {
        List<PictureReport.Misread> misread = new ArrayList<>();
        for (int i = 0; i < files.size() && misread.size() < PictureReport.GALLERY_MAX; i++) {
            int predicted = result.predicted()[i];
            if (predicted != classes[i]) {
                BufferedImage original = PicturePreparation.original(files.get(i)).orElse(null);
                misread.add(new PictureReport.Misread(plan.images().relativize(files.get(i)).toString(), original, inputs.get(i),
                        dataset.classNames().get(classes[i]), dataset.classNames().get(predicted)));
            }
        }
        List<String> skipped = unreadable.stream().map(s -> plan.images().relativize(s.file()) + ": " + s.reason()).toList();
        List<String> empty = noDigit.stream().map(p -> plan.images().relativize(p).toString()).toList();
        try {
            return PictureReport.write(dir, model.file().getFileName().toString(), plan.images().toString(), dataset, result,
                    misread, skipped, empty, model.record().orElse(null), model.file());
        } catch (IOException e) {
            throw new ModelFileException("could not write the report to " + dir + " (" + dev.convnet.data.FileErrors.describe(e) + "); nothing of it was written", e);
        }
    }
}
