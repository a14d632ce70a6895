package dev.convnet.interop;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an exported file as ModelStore writes models: into a hidden temporary file in the target's
 * folder, then one rename, so no half-written file is ever left where the export is expected.
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
        Path tmp = null;
        try {
            tmp = Files.createFile(folder.resolve("." + target.getFileName() + "." + System.nanoTime() + ".tmp"));
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            throw new InteropException("could not write " + target + " (" + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()) + "); any earlier file there is unchanged", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }
}
