package dev.convnet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Printable;
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
     * kind (notes.zip, a dataset's zip), which would be lost. An empty file may be replaced.
     */
    static void notAnotherKindOfFile(CommandSpec spec, Path output) {
        try {
            if (Files.isRegularFile(output) && Files.size(output) > 0 && !ModelStore.looksLikeConvnetModel(output)) {
                throw new ParameterException(spec.commandLine(), "cannot save to " + Printable.path(output)
                        + ": it is a file that is not a convnet model, left as it is; choose another -o, or remove that file first");
            }
        } catch (IOException e) {
            return; // unreadable: saving over it then says what is wrong
        }
    }

    /**
     * A usage error if the history table or chart a run writes beside its model ({@code m.history.csv},
     * {@code m.history.png}) is a file convnet did not write: a table that does not open with
     * convnet's header, a chart that is not a PNG. Those of an earlier run are replaced with the model.
     */
    static void notAnotherKindOfHistory(CommandSpec spec, Path csv, Path chart) {
        byte[] header = "epoch,loss,accuracy".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        notAnotherKind(spec, csv, header, "a history table");
        notAnotherKind(spec, chart, new byte[] {(byte) 0x89, 'P', 'N', 'G'}, "a PNG chart");
    }

    private static void notAnotherKind(CommandSpec spec, Path file, byte[] opening, String kind) {
        byte[] head;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(opening.length);
        } catch (IOException e) {
            return; // absent, or unreadable: writing it says what is wrong
        }
        if (head.length > 0 && !java.util.Arrays.equals(head, opening)) {
            throw new ParameterException(spec.commandLine(), "cannot save to " + Printable.path(file) + ": it is a file that is not "
                    + kind + " of convnet's, left as it is; choose another -o, or remove that file first");
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
