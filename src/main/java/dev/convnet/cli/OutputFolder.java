package dev.convnet.cli;

import dev.convnet.data.FileErrors;
import dev.convnet.report.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The folder options that receive pictures or a report ({@code evaluate --report}, {@code
 * activations --out}): checked before any work, so that a wrong one is a usage error at once
 * (exit 2, as {@code train -o} is) instead of a failure after the evaluation. Nothing is created
 * here: a missing folder is judged by the nearest folder above it that exists, where it would be made.
 */
final class OutputFolder {
    private OutputFolder() {
    }

    /**
     * @param option the option's name, for the message
     * @throws ParameterException when {@code dir} is a file, sits under a file, or cannot take new files
     */
    static Path check(CommandSpec spec, String option, Path dir) {
        return check(spec, option, dir, dir);
    }

    /**
     * As above, for the folder of an output file: {@code given} (the file, as typed) is what the
     * message names after the option.
     */
    static Path check(CommandSpec spec, String option, Path given, Path dir) {
        // not normalised: 'link/..' is the link's target's parent, which only the file system knows
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw usage(spec, option, given, "no part of it exists");
        }
        String which = existing.equals(given.toAbsolutePath()) ? "it is" : Printable.path(existing) + " is";
        if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            throw usage(spec, option, given, which + " a symbolic link to nothing; give a folder (it is made if missing)");
        }
        if (!Files.isDirectory(existing)) {
            throw usage(spec, option, given, which + " a file, not a folder; give a folder (it is made if missing)");
        }
        try {
            Files.delete(Files.createTempFile(existing, ".convnet-write-test", ".tmp"));
        } catch (IOException e) {
            throw usage(spec, option, given, "cannot write in " + Printable.path(existing) + " (" + FileErrors.describeCreate(e)
                    + "); choose a writable folder");
        }
        return dir;
    }

    private static ParameterException usage(CommandSpec spec, String option, Path given, String why) {
        return new ParameterException(spec.commandLine(), option + " " + Printable.path(given) + ": " + why);
    }
}
