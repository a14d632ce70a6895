package dev.convnet.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The MODEL argument, first on the command line, of the commands that read one saved model. */
public final class ModelArgument {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A convnet model (the .zip 'convnet train' or 'import' saves), or a Keras .keras or .h5 file.")
    Path file;

    /** The file as given. */
    Path file() {
        return file;
    }

    /** The file, checked as {@link SavedModelFile#check} checks it: a usage error when it is missing. */
    Path checked() {
        return SavedModelFile.check(command, file);
    }
}
