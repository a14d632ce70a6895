package dev.convnet.cli;

import java.nio.file.Path;

/**
 * Default file locations. The launcher sets {@code convnet.home} to the project folder so that
 * {@code data/} and {@code models/} are found from any working directory; without it they are
 * relative to the current directory.
 */
final class Locations {
    private Locations() {
    }

    static Path home() {
        return Path.of(System.getProperty("convnet.home", "."));
    }

    static Path defaultModel() {
        return home().resolve("models/model.zip");
    }

    /** A path as a person would type it: relative to the current directory where possible, control characters escaped. */
    static String display(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        // escaped: a path is printed, and a name may hold a newline or a terminal escape
        return dev.convnet.report.Printable.text(abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString());
    }
}
