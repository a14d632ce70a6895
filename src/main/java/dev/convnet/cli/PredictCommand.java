package dev.convnet.cli;

import dev.convnet.report.Printable;
import dev.convnet.app.LoadedModel;
import dev.convnet.app.Pictures;
import dev.convnet.app.Prediction;
import dev.convnet.app.Predictor;
import dev.convnet.app.PredictionJson;
import dev.convnet.app.SavedModels;
import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.ModelStore;
import dev.convnet.picture.PreparedDigit;
import dev.convnet.picture.TerminalImage;
import dev.convnet.report.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet predict [MODEL.zip] IMAGE...}: what the model sees in pictures, or in a test image. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict the class of PNG, JPEG, GIF or BMP pictures of any size, colour or grey.",
            "Each picture is prepared as MNIST was made: turned upright (EXIF), ink told from paper (transparency, "
                    + "uneven light), strokes brought to MNIST's width, cropped to the digit, stood upright (deskewed), "
                    + "scaled into 20x20 and centred by centre of mass in 28x28. A picture without a digit says 'no digit found' (exit 1)."})
public final class PredictCommand implements Callable<Integer> {
    private static final int TOP = PredictionJson.TOP;
    private static final int MAX_BATCH = 256;
    /** The IMAGE that stands for standard input. */
    private static final String STDIN = "-";
    /** Pictures one run reads at most (784 floats each are kept until the predictions are printed). */
    private static final int MAX_PICTURES = 100_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelArgument model;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "IMAGE",
            description = "Pictures to classify: files, folders of them, or - for standard input.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--index", paramLabel = "N", description = "Predict test image N instead, and draw it in the terminal.")
    Integer index;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--json", description = "Print one JSON document with the predictions and nothing else.")
    boolean json;

    @Mixin
    InferenceOptions inference;

    @Override
    public Integer call() {
        if (index == null) {
            model.takePictureFirst(images); // 'predict seven.png' means the default model
        } else if (model.given() && ModelArgument.namedAsPicture(model.file())) {
            throw new ParameterException(spec.commandLine(), Printable.path(model.file()) + " is a picture, and --index N"
                    + " predicts test image N: give IMAGE files or --index N (one of the two)");
        }
        for (Path image : images) { // 'predict seven.png book.zip': the model comes first
            if (ModelArgument.namedAsModel(image) && Files.isRegularFile(image)) {
                throw new ParameterException(spec.commandLine(), Printable.path(image) + " is a model file, not a picture:"
                        + " name the model first, then the pictures (convnet predict MODEL IMAGE...)");
            }
        }
        if (images.isEmpty() && index == null && model.given()) {
            model.checked(); // a lone model and no pictures: a broken model is said first, then what is missing
        }
        if (images.isEmpty() == (index == null)) {
            throw new ParameterException(spec.commandLine(), "give IMAGE files or --index N (one of the two)");
        }
        if (images.stream().filter(p -> p.toString().equals(STDIN)).count() > 1) {
            throw new ParameterException(spec.commandLine(), "- (standard input) given twice; a file named - is ./-");
        }
        List<Path> files = index == null ? pictureFiles() : List.of();
        dev.convnet.engine.Precision precision = inference.resolve(spec);
        SavedModels models = new SavedModels(new ModelStore());
        java.util.Optional<dev.convnet.run.RunState> record = models.runRecord(model.checked());
        dataOptions.refuseIfNotTrainedOn(() -> record, model.file());
        Dataset dataset = dataOptions.dataset(SavedModels.trainedOn(record));
        MnistLoader loader = index != null ? dataOptions.testLoader(dataset) : null; // checked before natives load
        LoadedModel loaded = models.load(model.file());
        int batch = Math.min(MAX_BATCH, Math.max(1, files.size()));
        try (Predictor predictor = new Predictor(loaded, dataset.classNames(), inference.engine(), batch, precision)) {
            return index != null ? predictTestImage(predictor, loader, dataset, precision)
                    : predictFiles(files, dataset, predictor, precision);
        }
    }

    /**
     * The pictures to read, in order: each file as given, each folder's picture files (by name,
     * not its sub-folders), {@value #STDIN} for standard input.
     *
     * @throws ParameterException for a folder without pictures, or more than {@value #MAX_PICTURES} in all
     *     (standard input counts once)
     */
    private List<Path> pictureFiles() {
        List<Path> files = new ArrayList<>();
        for (Path given : images) {
            if (!Files.isDirectory(given)) {
                files.add(given);
                continue;
            }
            try (java.util.stream.Stream<Path> children = Files.list(given)) {
                List<Path> entries = children.sorted().toList();
                List<Path> pictures = entries.stream().filter(ModelArgument::pictureInFolder).toList();
                if (pictures.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "folder " + Printable.path(given)
                            + " holds no .png, .jpg, .jpeg, .gif or .bmp file" + subFolderHint(given));
                }
                files.addAll(pictures);
                noteIgnored(given, entries.stream().filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().startsWith(".") && !ModelArgument.pictureInFolder(f)).toList());
                noteSubfolders(given, entries.stream().filter(Files::isDirectory)
                        .filter(f -> !f.getFileName().toString().startsWith(".")).toList());
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot list folder " + Printable.path(given) + " ("
                        + dev.convnet.data.FileErrors.describe(e) + ")");
            }
            if (files.size() > MAX_PICTURES) {
                break;
            }
        }
        if (files.size() > MAX_PICTURES) {
            throw new ParameterException(spec.commandLine(), "more than " + String.format(Locale.ROOT, "%,d", MAX_PICTURES)
                    + " pictures in one run; use 'convnet evaluate --images DIR' for a labelled folder, or split them");
        }
        return files;
    }

    /** Says on standard error (not with --json) that a folder's subfolders are not read: only the pictures in it are. */
    private void noteSubfolders(Path folder, List<Path> subfolders) {
        if (subfolders.isEmpty() || json) {
            return;
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "convnet predict: %,d subfolder%s of %s not read (e.g. %s): give %s"
                        + " to read %s pictures%n", subfolders.size(), subfolders.size() == 1 ? "" : "s", Printable.path(folder),
                Printable.text(subfolders.get(0).getFileName().toString()), subfolders.size() == 1 ? "it" : "each",
                subfolders.size() == 1 ? "its" : "their");
    }

    /** Says on standard error (not with --json) which files of a folder are not read, as evaluate --images does. */
    private void noteIgnored(Path folder, List<Path> ignored) {
        if (ignored.isEmpty() || json) {
            return;
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "convnet predict: %,d other file%s in %s ignored (not .png, .jpg, .jpeg,"
                        + " .gif or .bmp, e.g. %s)%n", ignored.size(), ignored.size() == 1 ? "" : "s", Printable.path(folder),
                Printable.text(ignored.get(0).getFileName().toString()));
    }

    /**
     * Where pictures sit one level down (a class-per-folder layout), how to give them: predict reads
     * a folder's own files only, so that a folder given is never walked deeper than the user sees.
     */
    private static String subFolderHint(Path folder) {
        try (java.util.stream.Stream<Path> children = Files.list(folder)) {
            List<String> withPictures = children.filter(Files::isDirectory).filter(PredictCommand::holdsPictures)
                    .map(p -> Printable.text(p.getFileName().toString())).sorted().toList();
            if (withPictures.isEmpty()) {
                return "";
            }
            String shown = String.join(", ", withPictures.subList(0, Math.min(5, withPictures.size())))
                    + (withPictures.size() > 5 ? ", ..." : "");
            return "; its sub-folders " + shown + " do: give them (" + Printable.path(folder.resolve("*")) + "), or evaluate a folder "
                    + "of one sub-folder per class with 'convnet evaluate MODEL --images " + Printable.path(folder) + "'";
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    private static boolean holdsPictures(Path folder) {
        try (java.util.stream.Stream<Path> children = Files.list(folder)) {
            return children.anyMatch(ModelArgument::pictureInFolder);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** Standard input's bytes, at most the decoder's byte limit plus one (so a longer input is refused as such). */
    private static byte[] standardInput() throws IOException {
        return System.in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, dev.convnet.data.ImageDecoder.DEFAULT_MAX_BYTES + 1));
    }

    /** What a picture given on the command line got: its line is printed in the order they were given. */
    private enum Outcome { ANSWER, NO_DIGIT, ERROR }

    /** @param precision what the forward passes run in, for --json (a bf16 asked for may have become float32 here) */
    private int predictFiles(List<Path> files, Dataset dataset, Predictor predictor, dev.convnet.engine.Precision precision) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> readable = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        List<Path> blank = new ArrayList<>();
        List<String> blankReasons = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (Path image : files) {
            try {
                PreparedDigit prepared = image.toString().equals(STDIN) ? Pictures.prepare(standardInput(), dataset)
                        : Pictures.prepare(image, dataset);
                if (prepared.found()) {
                    pixels.add(prepared.input());
                    readable.add(image);
                    outcomes.add(Outcome.ANSWER);
                } else {
                    blank.add(image);
                    blankReasons.add(prepared.noDigit());
                    outcomes.add(Outcome.NO_DIGIT);
                }
            } catch (IOException e) {
                outcomes.add(Outcome.ERROR);
                errors.add(Json.object("source", image.toString(), "error", e.getMessage()));
                if (!json) {
                    err.println("convnet predict: " + (image.toString().equals(STDIN) ? "standard input" : Printable.path(image))
                            + ": " + Printable.text(e.getMessage()));
                }
            }
        }
        List<Prediction> predictions = predictor.predict(pixels);
        if (json) {
            List<Map<String, Object>> results = new ArrayList<>();
            for (int i = 0; i < predictions.size(); i++) {
                results.add(document(readable.get(i).toString(), predictions.get(i)));
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.file().toString());
            doc.put("precision", precision.id());
            doc.put("predictions", results);
            List<Map<String, Object>> none = new ArrayList<>();
            for (int i = 0; i < blank.size(); i++) {
                none.add(Json.object("source", blank.get(i).toString(), "error", blankReasons.get(i)));
            }
            doc.put("no_digit", none);
            doc.put("errors", errors);
            out.println(Json.write(doc));
        } else {
            int width = java.util.stream.Stream.concat(readable.stream(), blank.stream()) // an unreadable one's line went to stderr
                    .mapToInt(p -> Printable.path(p).length()).max().orElse(5);
            int answered = 0;
            int none = 0;
            for (Outcome outcome : outcomes) { // in the order given; an unreadable picture's line went to stderr
                if (outcome == Outcome.ANSWER) {
                    Prediction p = predictions.get(answered);
                    int nameWidth = p.ranked().stream().mapToInt(r -> r.label().length()).max().orElse(1);
                    out.printf(Locale.ROOT, "%-" + width + "s  %-" + nameWidth + "s %6.1f%%   top %d: %s%n",
                            Printable.path(readable.get(answered++)), p.best().label(), 100 * p.best().probability(), TOP, topText(p));
                } else if (outcome == Outcome.NO_DIGIT) {
                    out.printf(Locale.ROOT, "%-" + width + "s  %s%n", Printable.path(blank.get(none)), blankReasons.get(none++));
                }
            }
        }
        out.flush();
        return errors.isEmpty() && blank.isEmpty() ? 0 : 1;
    }

    private int predictTestImage(Predictor predictor, MnistLoader loader, Dataset dataset, dev.convnet.engine.Precision precision) {
        LabeledImages test = loader.load(Split.TEST, 0);
        if (index < 0 || index >= test.size()) {
            throw new ParameterException(spec.commandLine(), "--index must be between 0 and " + (test.size() - 1));
        }
        float[] pixels = test.image(index);
        Prediction p = predictor.predict(pixels);
        String truth = dataset.classNames().get(test.classes()[index]);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = document("test[" + index + "]", p);
            // as "class" and "label" are for the prediction: the index (a number) and the class name
            doc.put("true_class", test.classes()[index]);
            doc.put("true_label", truth);
            Map<String, Object> all = new LinkedHashMap<>(); // model first, as for pictures
            all.put("model", model.file().toString());
            all.put("precision", precision.id());
            all.put("predictions", List.of(doc));
            out.println(Json.write(all));
        } else {
            List<String> picture = TerminalImage.render(pixels, predictor.inputShape().width());
            List<String> text = List.of("", "", "", String.format("Test image %d of %s", index, dataset.id()),
                    "True class:  " + truth,
                    String.format(Locale.ROOT, "Predicted:   %s (%.1f%%)%s", p.best().label(), 100 * p.best().probability(),
                            p.best().index() == test.classes()[index] ? "" : "   wrong"),
                    "Top " + TOP + ":       " + topText(p));
            String rule = "─".repeat(predictor.inputShape().width());
            out.println("┌" + rule + "┐");
            for (int i = 0; i < picture.size(); i++) {
                out.println("│" + picture.get(i) + "│" + (i < text.size() && !text.get(i).isEmpty() ? "  " + text.get(i) : "")); // no trailing blanks
            }
            out.println("└" + rule + "┘");
        }
        out.flush();
        return 0;
    }

    /** {@link PredictionJson}'s document, after the picture it is about. */
    private static Map<String, Object> document(String source, Prediction p) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("source", source);
        doc.putAll(PredictionJson.of(p));
        return doc;
    }

    private static String topText(Prediction p) {
        return p.top(TOP).stream().map(c -> String.format(Locale.ROOT, "%s %.1f%%", c.label(), 100 * c.probability()))
                .collect(Collectors.joining(", "));
    }
}
