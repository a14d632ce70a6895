package dev.convnet.web;

import dev.convnet.app.SavedModels;
import dev.convnet.engine.Engine;
import dev.convnet.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/** The model files {@code convnet serve} is given (files, or folders of {@code *.zip}), opened under their names. */
final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * The files to serve: each file as given, each folder's {@code *.zip} files by name, or
     * {@code fallback} when none is given.
     *
     * @throws RuntimeException made by {@code problem} for a missing file, an empty folder, or two
     *     files that would be served under the same name
     */
    static List<Path> resolve(List<Path> given, Path fallback, Function<String, RuntimeException> problem) {
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

    /** Loads and warms up each model; closes those already open when one fails. */
    static Opened open(List<Path> files, Engine engine, int maxBatch, dev.convnet.engine.Precision precision) {
        Opened opened = new Opened(new ArrayList<>());
        try {
            for (Path file : files) {
                Classifier classifier = PredictorClassifier.open(new SavedModels(new ModelStore()).load(file), engine, maxBatch,
                        precision);
                opened.models().add(new NamedModel(NamedModel.nameOf(file), classifier));
            }
            return opened;
        } catch (RuntimeException | Error e) {
            opened.close();
            throw e;
        }
    }

    /** The open models, closed together. */
    record Opened(List<NamedModel> models) implements AutoCloseable {
        @Override
        public void close() {
            for (NamedModel model : models) {
                model.classifier().close();
            }
        }
    }
}
