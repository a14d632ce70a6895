package dev.convnet.cli;

import dev.convnet.data.DataFormatException;
import dev.convnet.data.MnistLoader;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --data} option that every command reading MNIST shares. */
public final class DataOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the four MNIST IDX files, plain or .gz (default: data/mnist).")
    Path data;

    Path directory() {
        return data != null ? data : Locations.defaultData();
    }

    /** A loader for the folder, after checking that the dataset is there (a usage error if not). */
    MnistLoader loader() {
        MnistLoader loader = new MnistLoader(directory());
        try {
            loader.checkPresent();
        } catch (DataFormatException e) {
            String hint = data == null ? "; run scripts/fetch-mnist to download it" : "; pass --data with the folder that holds it";
            throw new ParameterException(spec.commandLine(),
                    "MNIST not found: " + e.getMessage() + hint);
        }
        return loader;
    }
}
