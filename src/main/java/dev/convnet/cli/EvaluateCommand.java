package dev.convnet.cli;

import dev.convnet.app.EvaluationOutcome;
import dev.convnet.app.EvaluationPlan;
import dev.convnet.app.ModelEvaluation;
import dev.convnet.app.SavedModels;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ModelStore;
import dev.convnet.report.EvaluationReport;
import dev.convnet.report.Json;
import dev.convnet.report.Printable;
import dev.convnet.report.RunRecordText;
import dev.convnet.app.PictureEvaluation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code convnet evaluate MODEL.zip}: test-set loss and accuracy, confusion matrix, per-class metrics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on the MNIST test set, or on a folder of labelled pictures (--images).")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelArgument model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Evaluate on the pictures in DIR instead, one sub-folder per class (named 0, 1, ... or by class name), "
                    + "as Keras' image_dataset_from_directory reads; each prepared as predict prepares it.")
    Path images;

    @Option(names = "--json", description = "Print one JSON document (metrics, confusion matrix, per-class figures, run record).")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write confusion.png, misclassified.png and index.html into DIR.")
    Path report;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + Evaluator.DEFAULT_BATCH,
            description = "Images per inference batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    InferenceOptions inference;

    @Override
    public Integer call() {
        if (report != null) {
            OutputFolder.check(spec, "--report", report);
            if (images != null && report.toAbsolutePath().normalize().startsWith(images.toAbsolutePath().normalize())) {
                throw new ParameterException(spec.commandLine(), "--report " + Printable.path(report)
                        + " is inside the --images folder " + Printable.path(images)
                        + ": its pictures would be read as pictures to evaluate next time; choose a folder outside it");
            }
        }
        if (images != null) {
            return pictures();
        }
        EvaluationPlan plan = new EvaluationPlan(model.file(), dataOptions.datasetIfGiven(), dataOptions::testLoader,
                inference.engine(), batch, Optional.ofNullable(report), inference.resolve(spec));
        model.checked();
        dataOptions.noteIfNotTrainedOn(() -> new SavedModels(new ModelStore()).runRecord(model.file()), model.file());
        EvaluationOutcome outcome = new ModelEvaluation(new SavedModels(new ModelStore())).run(plan);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.file().toString());
            doc.put("dataset", outcome.dataset().id());
            doc.put("precision", plan.precision().id());
            doc.putAll(Json.evaluation(outcome.result(), outcome.dataset().classNames()));
            outcome.model().record().ifPresent(record -> doc.put("run", Json.run(record)));
            out.println(Json.write(doc));
        } else {
            out.print(EvaluationReport.headline(outcome.result()));
            printPrecision(out, plan.precision());
            out.println();
            out.print(EvaluationReport.confusionMatrix(outcome.result(), outcome.dataset().classNames()));
            out.println();
            out.print(EvaluationReport.perClass(outcome.result(), outcome.dataset().classNames()));
            outcome.model().record().ifPresent(record -> {
                out.println();
                out.print(RunRecordText.render(record));
            });
            outcome.report().ifPresent(index -> {
                out.println();
                out.println("Report written to " + Locations.display(index));
            });
        }
        out.flush();
        return 0;
    }

    private int pictures() {
        if (!Files.isDirectory(images)) {
            throw new ParameterException(spec.commandLine(), "--images " + images + (Files.notExists(images) ? " does not exist"
                    : " is not a folder") + ": give a folder with one "
                    + "sub-folder per class (0, 1, ... or class names)");
        }
        PictureEvaluation.Plan plan = new PictureEvaluation.Plan(model.file(), images, dataOptions.datasetIfGiven(), inference.engine(),
                batch, Optional.ofNullable(report), inference.resolve(spec));
        model.checked();
        dataOptions.noteIfNotTrainedOn(() -> new SavedModels(new ModelStore()).runRecord(model.file()), model.file());
        PictureEvaluation.Outcome outcome;
        try {
            outcome = new PictureEvaluation(new SavedModels(new ModelStore())).run(plan);
        } catch (dev.convnet.data.ImageFolder.LayoutException e) { // the folder given is laid out wrongly: a usage error
            throw new ParameterException(spec.commandLine(), "--images: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = outcome.dataset().classNames();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.file().toString());
            doc.put("dataset", outcome.dataset().id());
            doc.put("folder", images.toString());
            doc.put("pictures", outcome.pictures());
            doc.put("evaluated", outcome.files().size());
            doc.put("precision", plan.precision().id());
            doc.putAll(Json.evaluation(outcome.result(), names));
            doc.put("unreadable", outcome.unreadable().stream().map(s -> Json.object("file", s.file().toString(), "reason", s.reason()))
                    .toList());
            doc.put("no_digit", outcome.noDigit().stream().map(Path::toString).toList());
            doc.put("ignored", outcome.ignored().stream().map(Path::toString).toList());
            List<Map<String, Object>> predictions = new ArrayList<>();
            for (int i = 0; i < outcome.files().size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", outcome.files().get(i).toString());
                row.put("class", outcome.labels()[i]);
                row.put("predicted", outcome.result().predicted()[i]);
                predictions.add(row);
            }
            doc.put("predictions", predictions);
            outcome.model().record().ifPresent(record -> doc.put("run", Json.run(record)));
            out.println(Json.write(doc));
        } else {
            out.printf(Locale.ROOT, "%,d pictures in %s: %,d evaluated, %,d unreadable (skipped), %,d with no digit found%s%n",
                    outcome.pictures(), Locations.display(images), outcome.files().size(), outcome.unreadable().size(),
                    outcome.noDigit().size(), outcome.ignored().isEmpty() ? "" : String.format(Locale.ROOT,
                    "; %,d other file%s ignored (not .png, .jpg, .jpeg, .gif or .bmp, e.g. %s)", outcome.ignored().size(),
                    outcome.ignored().size() == 1 ? "" : "s", Printable.path(images.relativize(outcome.ignored().get(0)))));
            out.printf(Locale.ROOT, "Loss: %.4f%nAccuracy: %.3f (%,d of %,d pictures right)%n", outcome.result().loss(),
                    outcome.result().accuracy(), outcome.result().correct(), outcome.result().total());
            printPrecision(out, plan.precision());
            out.println();
            out.print(EvaluationReport.confusionMatrix(outcome.result(), names));
            out.println();
            out.print(EvaluationReport.perClass(outcome.result(), names));
            if (!outcome.unreadable().isEmpty()) {
                out.println();
                out.println("Unreadable pictures (skipped)");
                outcome.unreadable().forEach(s -> out.println("  " + Locations.display(s.file()) + ": " + s.reason()));
            }
            if (!outcome.noDigit().isEmpty()) {
                out.println();
                out.println("No digit found on");
                outcome.noDigit().forEach(p -> out.println("  " + Locations.display(p)));
            }
            outcome.report().ifPresent(index -> {
                out.println();
                out.println("Report written to " + Locations.display(index));
            });
        }
        out.flush();
        return unreadableStatus(outcome);
    }

    /**
     * 1 when some pictures could not be read, with one line saying so on standard error (the figures
     * above cover the others), as grep and rsync answer a partial failure; 0 otherwise.
     */
    private int unreadableStatus(PictureEvaluation.Outcome outcome) {
        if (outcome.unreadable().isEmpty()) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "convnet evaluate: %,d of %,d pictures in %s could not be read (%s); the figures cover the %,d evaluated%n",
                outcome.unreadable().size(), outcome.pictures(), Printable.path(images),
                json ? "\"unreadable\" in the JSON" : "listed above", outcome.files().size());
        err.flush();
        return 1;
    }

    /** Says so when the forward passes ran in bf16 (float32, the default, goes unsaid). */
    private static void printPrecision(PrintWriter out, dev.convnet.engine.Precision precision) {
        if (precision != dev.convnet.engine.Precision.FP32) {
            out.println("Precision: " + precision.id() + " (oneDNN engine; the model's weights are float32)");
        }
    }
}
