package dev.convnet.cli;

import dev.convnet.interop.KerasReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The MODEL argument, first on the command line, of the commands that read one saved model. Left
 * out, it is {@code models/model.zip} in convnet's folder, where {@code train} saves by default, so
 * that {@code train} then {@code evaluate} work from any directory.
 */
public final class ModelArgument {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "A convnet model (the .zip 'convnet train' or 'import' saves), or a Keras .keras or .h5 file "
                    + "(default: models/model.zip in convnet's folder, where 'train' saves).")
    Path file;

    /** The file as given, or the default. */
    Path file() {
        return file != null ? file : Locations.defaultModel();
    }

    /**
     * For {@code predict}: a first argument that is a picture (by its name), a folder without model
     * files or {@code -} (standard input) is the first of the pictures, and the model is the default one.
     *
     * @param pictures the command's pictures, to which such an argument is prepended
     */
    void takePictureFirst(List<Path> pictures) {
        if (file != null && (file.toString().equals("-") || namedAsPicture(file) || notAModelFolder(file)
                || (pictures.isEmpty() || Files.isRegularFile(file)) && !mayBeModel(file))) {
            pictures.add(0, file);
            file = null;
        }
    }

    /**
     * Whether the first argument of {@code predict} may be the model: named as one, a folder, or a
     * file that starts as a zip or an HDF5 file does. Anything else ({@code seven.webp}, a PNG
     * without an ending; alone, a file not there too) is a picture, so that what is wrong with it
     * is said instead of "give IMAGE files", and the pictures after it are answered ('predict
     * scan.tiff three.png' said "scan.tiff is not a convnet model file" and answered nothing). A
     * missing first file before pictures stays the MODEL: a mistyped model is said as such.
     */
    private static boolean mayBeModel(Path file) {
        if (namedAsModel(file) || Files.isDirectory(file)) {
            return true;
        }
        return KerasReader.startsAsModelFile(file); // not there or unreadable: false, and the picture reader says which
    }

    /** Whether {@code file}'s name ends as a picture's does ({@link dev.convnet.data.ImageFolder#namedAsPicture}). */
    static boolean namedAsPicture(Path file) {
        return dev.convnet.data.ImageFolder.namedAsPicture(file);
    }

    /** A picture file {@code predict} reads from a folder: a regular, visible file named as a picture. */
    static boolean pictureInFolder(Path file) {
        return Files.isRegularFile(file) && !file.getFileName().toString().startsWith(".") && namedAsPicture(file);
    }

    /**
     * Whether a folder given first is the pictures rather than the model: a folder without model
     * files, whatever else it holds, so that one of class sub-folders or of WebP files is told what
     * predict reads rather than "a directory is no model", and one that cannot be listed is told
     * so by the picture reader. {@code models/} (its training charts {@code X.history.png} beside
     * the models) and a TensorFlow SavedModel folder stay a (wrong) MODEL that is answered so.
     */
    private static boolean notAModelFolder(Path dir) {
        if (!Files.isDirectory(dir) || Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            return false;
        }
        try (java.util.stream.Stream<Path> children = Files.list(dir)) {
            List<Path> files = children.toList();
            return files.stream().noneMatch(ModelArgument::namedAsModel) || files.stream().anyMatch(ModelArgument::pictureNotChart);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return true; // predict's listing says why it cannot be read
        }
    }

    /**
     * A picture in a folder that is not a training chart ({@code X.history.png}, which train writes
     * beside its model): a folder holding one is pictures, whatever zip lies beside them.
     */
    private static boolean pictureNotChart(Path file) {
        return pictureInFolder(file) && !file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".history.png");
    }

    /** Whether {@code file}'s name is a model's: a convnet .zip, a Keras .keras, .h5 or .hdf5. */
    static boolean namedAsModel(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip") || KerasReader.isKerasFile(file);
    }

    /** Whether MODEL was given (else the default is used). */
    boolean given() {
        return file != null;
    }

    /**
     * {@code models/model.zip} in convnet's folder, checked, for a command given no MODEL.
     *
     * @throws ParameterException when it is not there yet (train saves it) or is no model
     */
    static Path defaultModel(CommandSpec command) {
        Path standard = Locations.defaultModel();
        if (!Files.isRegularFile(standard)) {
            throw new ParameterException(command.commandLine(), "no MODEL given, and " + Locations.display(standard)
                    + " (where 'convnet train' saves) does not exist yet: train a model first, or name a model file");
        }
        return SavedModelFile.check(command, standard);
    }

    /**
     * The file, checked as {@link SavedModelFile#check} checks it: a usage error when it is missing,
     * saying where the default model is when MODEL was left out, or when a relative MODEL is not in
     * the current directory but in convnet's folder (what {@code train}'s default wrote).
     */
    Path checked() {
        if (file == null) {
            return defaultModel(command);
        }
        return checked(command, file);
    }

    /**
     * {@code file} checked as {@link SavedModelFile#check} checks it, with a relative path that is
     * not in the current directory but in convnet's folder named in the usage error (serve's and
     * predict's MODEL alike).
     */
    static Path checked(CommandSpec command, Path file) {
        if (!file.isAbsolute() && !Files.exists(file)) {
            Path inHome = Locations.home().resolve(file);
            if (Files.isRegularFile(inHome) && !inHome.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
                throw new ParameterException(command.commandLine(), "model file " + file + " not found in this directory; "
                        + "convnet's folder has " + Locations.display(inHome) + ": give that path"
                        + (inHome.toAbsolutePath().normalize().equals(Locations.defaultModel().toAbsolutePath().normalize())
                        ? ", or leave MODEL out" : ""));
            }
        }
        return SavedModelFile.check(command, file);
    }
}
