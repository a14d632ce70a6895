package dev.convnet.web;

import dev.convnet.app.LoadedModel;
import dev.convnet.app.SavedModels;
import dev.convnet.data.Dataset;
import dev.convnet.interop.KerasReader;
import dev.convnet.engine.Engine;
import dev.convnet.engine.Precision;
import dev.convnet.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/** The model files {@code convnet serve} is given (files, or folders of {@code *.zip}), loaded under their names. */
public final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * The files to serve: each file as given, each folder's {@code *.zip} files by name, or
     * {@code fallback} when none is given.
     *
     * @throws RuntimeException made by {@code problem} for a missing file, an empty folder, or two
     *     files that would be served under the same name
     */
    public static List<Path> resolve(List<Path> given, Path fallback, Function<String, RuntimeException> problem) {
        List<Path> files = new ArrayList<>();
        for (Path path : given.isEmpty() ? List.of(fallback) : given) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> zips = Files.list(path)) {
                    List<Path> found = zips.filter(f -> f.getFileName().toString().endsWith(".zip") && Files.isRegularFile(f))
                            .filter(f -> !f.getFileName().toString().endsWith(".checkpoint.zip")).sorted().toList();
                    if (found.isEmpty()) {
                        throw problem.apply("folder " + path + " holds no model (*.zip) to serve");
                    }
                    files.addAll(found);
                } catch (IOException e) {
                    throw problem.apply("cannot list folder " + path + " (" + e.getMessage() + ")");
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else if (given.isEmpty()) {
                throw problem.apply("no MODEL given, and " + path + " (where 'convnet train' saves) does not exist yet: "
                        + "train a model first, or name a model file");
            } else {
                throw problem.apply("model file " + path + " not found");
            }
        }
        Map<String, Path> names = new HashMap<>();
        for (Path file : files) {
            Path other = names.put(NamedModel.nameOf(file), file);
            if (other != null) {
                throw problem.apply(other + " and " + file + " would both be served as '" + NamedModel.nameOf(file)
                        + "'; rename one");
            }
            try {
                new NamedModel(NamedModel.nameOf(file), null);
            } catch (IllegalArgumentException e) {
                throw problem.apply(e.getMessage());
            }
        }
        return files;
    }

    /**
     * Loads each model, to be opened on {@code engine} in {@code precision} by the server's inference
     * workers. A model whose file does not name its dataset (a Keras file) is labelled with {@code dataset}'s
     * classes when one is given, else MNIST's.
     *
     * @throws RuntimeException made by {@code problem} when {@code dataset} is not the dataset a
     *     convnet model's run record names (its answers would be labelled with another dataset's classes)
     */
    public static List<NamedModel> load(List<Path> files, Engine engine, Precision precision, Optional<Dataset> dataset,
                                        Function<String, RuntimeException> problem) {
        List<NamedModel> models = new ArrayList<>();
        SavedModels saved = new SavedModels(new ModelStore());
        for (Path file : files) {
            LoadedModel model = saved.load(file);
            if (dataset.isPresent() && model.trainedOn() != dataset.get()) {
                boolean named = !KerasReader.isKerasFile(file) && model.record().isPresent(); // a convnet run record names it
                if (named) {
                    throw problem.apply(SavedModels.trainedOnAnother(file, model.trainedOn().id(), dataset.get()));
                }
                model = new LoadedModel(model.file(), model.graph(), model.record(), dataset.get());
            }
            models.add(new NamedModel(NamedModel.nameOf(file), PredictorClassifier.source(model, engine, precision)));
        }
        return models;
    }
}
