package dev.convnet.interop;

import java.io.IOException;
import dev.convnet.data.FileErrors;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an exported file with {@link dev.convnet.data.AtomicFile} (a hidden temporary file in the
 * target's folder, then one rename), with errors as InteropExceptions naming the target.
 */
final class AtomicFile {
    private AtomicFile() {
    }

    interface Writer {
        void write(Path tmp) throws IOException;
    }

    static void write(Path target, Writer writer) {
        Path folder = target.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new InteropException("cannot write " + target + ": folder " + folder + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new InteropException("cannot write " + target + ": it is a folder");
        }
        try {
            dev.convnet.data.AtomicFile.write(target, writer::write);
        } catch (IOException | RuntimeException e) {
            throw new InteropException("could not write " + target + " (" + (e instanceof IOException io
                    ? FileErrors.describe(io) : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); any earlier file there is unchanged", e);
        }
    }
}
