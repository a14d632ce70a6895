package dev.convnet.cli;

import dev.convnet.data.FileErrors;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Printable;
import dev.convnet.run.History;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The -o of the commands that write a model or an export: never one of the command's inputs (the
 * same file, also through a symbolic or hard link), and never a name that says another format
 * ({@code import book.h5 -o book.h5} replaced the Keras file with a convnet zip).
 */
final class OutputFile {
    /** Endings of files convnet reads as something other than a convnet model zip. */
    private static final List<String> FOREIGN_TO_ZIP = List.of(".h5", ".hdf5", ".keras", ".onnx");
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    private OutputFile() {
    }

    /** A usage error if {@code output} names the same file as any of {@code inputs}. */
    static void notAnInput(CommandSpec spec, Path output, Path... inputs) {
        for (Path input : inputs) {
            if (input != null && sameFile(input, output)) {
                throw new ParameterException(spec.commandLine(), "the output " + Printable.path(output) + " is the input "
                        + Printable.path(input) + (output.normalize().equals(input.normalize()) ? "" : " (the same file, through a link)")
                        + "; writing it would destroy the input: choose another -o");
            }
        }
    }

    /**
     * A usage error if {@code output}, a convnet model zip, has an ending other than {@code .zip}: a
     * Keras or ONNX ending says another format, and any other (m.txt) would put a zip under a name
     * that no tool opens as one. A name without an ending (or one whose last dot is in a number, such
     * as lr-0.001) is left as given.
     */
    static void namedAsModelZip(CommandSpec spec, Path output) {
        String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals(".zip")) { // '' is the current folder; '.zip' a hidden file with hidden history files
            throw new ParameterException(spec.commandLine(), "-o '" + Printable.text(output.toString()) + "' names no model file; "
                    + "give one such as models/model.zip");
        }
        for (String ending : FOREIGN_TO_ZIP) {
            if (name.endsWith(ending)) {
                throw new ParameterException(spec.commandLine(), "-o " + Printable.path(output) + ": a " + ending
                        + " name says " + (ending.equals(".onnx") ? "ONNX" : "Keras") + ", but this writes a convnet model zip; "
                        + "name it NAME.zip (use 'convnet export' for Keras or ONNX)");
            }
        }
        int dot = name.lastIndexOf('.');
        String ending = dot > 0 ? name.substring(dot + 1) : "";
        // an ending is up to 8 letters and digits with a letter (txt, bin, v2); lr-0.001 is a name, not a type
        if (!ending.isEmpty() && !ending.equals("zip") && ending.matches("[a-z0-9]{1,8}") && ending.matches(".*[a-z].*")) {
            String given = output.getFileName().toString();
            throw new ParameterException(spec.commandLine(), "-o " + Printable.path(output) + ": a convnet model is a zip file; "
                    + "name it " + Printable.path(Path.of(given.substring(0, dot) + ".zip")) + " (or " + Printable.path(Path.of(given + ".zip"))
                    + ")");
        }
    }

    /**
     * A usage error if {@code output} is a file other than a convnet model: saving replaces a model
     * (as Keras' {@code model.save} does, and the command then says which), never a file of another
     * kind (notes.zip, a dataset's zip), which would be lost.
     */
    static void notAnotherKindOfFile(CommandSpec spec, Path output) {
        replaceable(spec, output, "a convnet model", ModelStore::looksLikeConvnetModel);
    }

    /** As {@link #notAnotherKindOfFile}, for the checkpoint a run writes beside its model; what is there. */
    static Found notAnotherKindOfCheckpoint(CommandSpec spec, Path checkpoint) {
        return replaceable(spec, checkpoint, "a convnet checkpoint", ModelStore::looksLikeConvnetModel);
    }

    /**
     * As {@link #notAnotherKindOfFile}, for the history table and chart a run writes beside its model
     * ({@code m.history.csv}, {@code m.history.png}): a table that opens with convnet's header, a PNG.
     */
    static void notAnotherKindOfHistory(CommandSpec spec, Path csv, Path chart) {
        byte[] header = History.CSV_HEADER_START.getBytes(StandardCharsets.US_ASCII);
        replaceable(spec, csv, "a history table of convnet's", file -> Arrays.equals(head(file, header.length), header));
        replaceable(spec, chart, "a PNG chart of convnet's", file -> Arrays.equals(head(file, PNG.length), PNG));
    }

    /** What is at an output a command may write: nothing, an empty file, or a file of the kind it writes. */
    enum Found { NOTHING, EMPTY_FILE, OF_ITS_KIND }

    /**
     * What the command would replace at {@code file}: nothing (no regular file there), an empty file,
     * or one that {@code ofItsKind} says is {@code kind}, e.g. "an ONNX model".
     *
     * @throws ParameterException for a file of another kind, left as it is, or one that cannot be read to tell
     */
    static Found replaceable(CommandSpec spec, Path file, String kind, Predicate<Path> ofItsKind) {
        if (!Files.isRegularFile(file)) {
            return Found.NOTHING; // nothing there, or a folder, FIFO or device: refused where writing is checked
        }
        try {
            if (Files.size(file) == 0) {
                return Found.EMPTY_FILE;
            }
            if (!ofItsKind.test(file)) {
                throw new ParameterException(spec.commandLine(), "cannot save to " + Printable.path(file) + ": it is a file that"
                        + " is not " + kind + ", left as it is; choose another -o, or remove that file first");
            }
        } catch (IOException e) {
            throw unreadable(spec, file, kind, FileErrors.describe(e), e);
        } catch (UncheckedIOException e) {
            throw unreadable(spec, file, kind, FileErrors.describe(e.getCause()), e);
        } catch (ModelFileException e) { // ModelStore's, around the read's IOException
            throw unreadable(spec, file, kind, e.getCause() instanceof IOException io ? FileErrors.describe(io) : e.getMessage(), e);
        }
        return Found.OF_ITS_KIND;
    }

    private static ParameterException unreadable(CommandSpec spec, Path file, String kind, String why, Exception e) {
        return new ParameterException(spec.commandLine(), "cannot read " + Printable.path(file) + " to tell whether it is " + kind
                + " (" + why + "); choose another -o, or remove that file first", e);
    }

    private static byte[] head(Path file, int n) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        if (!Files.exists(a) || !Files.exists(b)) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
        try {
            return Files.isSameFile(a, b); // follows links; equal device and inode catch hard links
        } catch (IOException e) {
            return false;
        }
    }
}
