package dev.convnet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The MODEL argument of the commands that read a saved model: a usage error when the file is missing. */
final class SavedModelFile {
    private SavedModelFile() {
    }

    static Path check(CommandSpec spec, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "model file " + file + " not found");
        }
        return file;
    }
}
