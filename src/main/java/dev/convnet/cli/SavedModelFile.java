package dev.convnet.cli;

import dev.convnet.interop.KerasReader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The MODEL argument of the commands that read a saved model: a usage error when the file is missing or a directory. */
final class SavedModelFile {
    private SavedModelFile() {
    }

    /** {@code file}, checked to exist; a TensorFlow SavedModel directory is answered with how to convert it. */
    static Path check(CommandSpec spec, Path file) {
        if (file.toString().isEmpty()) { // Path.of("") is the current folder, which is not what '' meant
            throw new ParameterException(spec.commandLine(), "the model file name is empty: give a model .zip, .keras or .h5 file");
        }
        KerasReader.refuseSavedModel(file);
        if (Files.isDirectory(file)) {
            // `evaluate models` was answered "not found" although the folder is right there.
            throw new ParameterException(spec.commandLine(), "model file " + file + " is a directory: pass a model "
                    + ".zip, .keras or .h5 file in it (e.g. " + exampleModel(file)
                    + "); 'convnet serve' is the command that takes a folder of models");
        }
        String problem = dev.convnet.data.FileErrors.unreadable("model file " + file, file, "a model .zip, .keras or .h5");
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
        return file;
    }

    /** The first model file in {@code dir} by name, or {@code dir/model.zip} when it holds none (or cannot be listed). */
    private static Path exampleModel(Path dir) {
        try (java.util.stream.Stream<Path> children = Files.list(dir)) {
            return children.filter(f -> Files.isRegularFile(f) && ModelArgument.namedAsModel(f)).sorted().findFirst()
                    .orElse(dir.resolve("model.zip"));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return dir.resolve("model.zip");
        }
    }
}
