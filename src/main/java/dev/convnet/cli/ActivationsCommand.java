package dev.convnet.cli;

import dev.convnet.app.FeatureMaps;
import dev.convnet.app.LayerActivations;
import dev.convnet.app.LoadedModel;
import dev.convnet.app.Prediction;
import dev.convnet.app.Predictor;
import dev.convnet.app.SavedModels;
import dev.convnet.data.Dataset;
import dev.convnet.data.FileErrors;
import dev.convnet.data.StagedFiles;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Gallery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import dev.convnet.report.Printable;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code convnet activations MODEL --index N --out DIR}: every convolution and pooling layer's feature maps as PNG. */
@Command(name = "activations", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw the feature maps of every convolution and pooling layer for one test image, as PNG grids.")
public final class ActivationsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelArgument model;

    @Option(names = "--index", paramLabel = "N", defaultValue = "0", description = "Test image to look at (default: ${DEFAULT-VALUE}).")
    int index;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the PNG files (created if needed).")
    Path out;

    @Mixin
    DataOptions dataOptions;

    /**
     * A layer name as part of a file name: the name comes from the model file, and "../x" or "/etc/x"
     * must not write outside --out. Anything but letters, digits, '_', '-' and inner dots becomes '_'.
     */
    static String fileNameFor(String layer) {
        String safe = layer.replaceAll("[^A-Za-z0-9_.-]", "_").replaceAll("\\.{2,}", "_");
        safe = safe.startsWith(".") ? "_" + safe.substring(1) : safe;
        return safe.isEmpty() ? "_" : safe.length() > 100 ? safe.substring(0, 100) : safe;
    }

    @Mixin
    EngineOption engineOption;

    /** The staging folder for the pictures, in {@code --out} (created if needed; OutputFolder.check found where it goes writable). */
    private StagedFiles staged() {
        try {
            return StagedFiles.in(out, model.file());
        } catch (IOException e) {
            throw new ModelFileException("cannot write the pictures to " + out + " (" + FileErrors.describe(e)
                    + "); choose a writable folder with --out", e);
        }
    }

    @Override
    public Integer call() {
        if (model.given() && ModelArgument.namedAsPicture(model.file())) { // 'activations three.png' read it as the model
            throw new ParameterException(spec.commandLine(), Printable.path(model.file()) + " is a picture: activations shows"
                    + " a test image's feature maps (--index N); 'convnet predict MODEL IMAGE' reads pictures");
        }
        OutputFolder.check(spec, "--out", out);
        SavedModels models = new SavedModels(new ModelStore());
        java.util.Optional<dev.convnet.run.RunState> record = models.runRecord(model.checked());
        dataOptions.refuseIfNotTrainedOn(() -> record, model.file()); // it prints the model's prediction with the dataset's class names
        Dataset dataset = dataOptions.dataset(SavedModels.trainedOn(record));
        MnistLoader loader = dataOptions.testLoader(dataset);
        LoadedModel loaded = models.load(model.file());
        LabeledImages test = loader.load(Split.TEST, 0);
        if (index < 0 || index >= test.size()) {
            throw new ParameterException(spec.commandLine(), "--index must be between 0 and " + (test.size() - 1));
        }
        List<String> lines = new java.util.ArrayList<>();
        try (StagedFiles files = staged()) { // made first: an --out that cannot be made fails before any work
            float[] image = test.image(index);
            Prediction prediction;
            try (Predictor predictor = new Predictor(loaded, dataset.classNames(), engineOption.engine, 1)) {
                prediction = predictor.predict(image);
            }
            List<FeatureMaps> layers = LayerActivations.of(loaded, image);
            PrintWriter text = spec.commandLine().getOut();
            text.printf(Locale.ROOT, "Test image %d (%s; predicted %s, %.1f%%): feature maps of each layer%n", index,
                    dataset.classNames().get(test.classes()[index]), prediction.best().label(),
                    100 * prediction.best().probability());
            // Every picture or none: a full disk after the third leaves no three new pictures of seven.
            int n = 0;
            for (FeatureMaps layer : layers) {
                String name = String.format(Locale.ROOT, "%02d-%s.png", ++n, fileNameFor(layer.layer()));
                Path png = out.resolve(name);
                try {
                    Gallery.featureMaps(String.format(Locale.ROOT, "%s (%s): %d maps of %dx%d", layer.layer(), layer.kind(),
                            layer.maps().length, layer.height(), layer.width()), layer.maps(), layer.height(), layer.width(),
                            files.staging().resolve(name));
                } catch (IOException e) {
                    throw new ModelFileException("cannot write " + png + " (" + FileErrors.describe(e) + "); nothing was written", e);
                }
                lines.add(String.format(Locale.ROOT, "  %-18s %3d maps of %2dx%-2d  %s", dev.convnet.report.Printable.text(layer.layer()),
                        layer.maps().length, layer.height(), layer.width(), Locations.display(png)));
            }
            try {
                files.commit("");
            } catch (IOException e) {
                throw new ModelFileException("cannot write the pictures to " + out + " (" + FileErrors.describe(e)
                        + "); nothing was written", e);
            }
            lines.forEach(text::println);
            if (layers.isEmpty()) {
                text.println("  (this model has no convolution or pooling layers: nothing to draw)");
            }
            text.flush();
        }
        return 0;
    }
}
