package dev.convnet.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.BiFunction;

/**
 * The one way convnet writes a file (models, checkpoints, exports, reports, pictures, history): into
 * a hidden temporary file in the target's folder, created with {@code O_CREAT|O_EXCL} (so never
 * through a planted symbolic link), then renamed over the target in one step. A rename replaces a
 * link at the target instead of writing through it, a failure (a full disk, a killed write) leaves
 * the earlier file untouched, and the temporary file is deleted whatever happens.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Writes the temporary file, which exists and is empty when called. */
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** Writes the file's bytes to a stream opened on the temporary file without following links. */
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Runs between the finished write and the rename (a model store re-checks its target there). */
    public interface BeforeMove {
        void run() throws IOException;
    }

    /**
     * Why {@code target} must not be replaced, or null when it may: a rename would put a file in
     * place of a FIFO, device or socket, and replace a read-only file that says "keep me" (its
     * owner's write bit cleared; root may write anything). A link is replaced, never followed.
     *
     * @return e.g. "it is a FIFO", "the file is read-only; make it writable (chmod u+w) to replace it, or choose another name"
     */
    public static String whyNotReplaceable(Path target) {
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(target)) {
            return null;
        }
        String kind = FileErrors.notARegularFile(target);
        if (kind != null) {
            return "it is " + kind + ", not a file convnet may replace; choose a file name";
        }
        return isReadOnly(target) ? READ_ONLY : null;
    }

    /** What {@link #whyNotReplaceable} says of a read-only file. */
    public static final String READ_ONLY = "the file is read-only; make it writable (chmod u+w) to replace it, or choose another name";

    /** Write permission as the owner set it: root may write anything, but a 0444 file says "keep me". */
    public static boolean isReadOnly(Path file) {
        try {
            return !Files.getPosixFilePermissions(file).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        } catch (UnsupportedOperationException | IOException e) {
            return !Files.isWritable(file);
        }
    }

    /** The name {@code target} is written under before its rename: hidden, in the same folder, per process. */
    public static Path temporaryFor(Path target) {
        Path folder = target.toAbsolutePath().getParent();
        return (folder == null ? Path.of(".") : folder).resolve("." + target.getFileName() + "."
                + ProcessHandle.current().pid() + ".tmp");
    }

    /** Writes {@code target} atomically through a stream; IOException (the target unchanged) if it cannot. */
    public static void writeStream(Path target, StreamWriter writer) throws IOException {
        write(target, temporaryFor(target), tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                writer.write(out);
            }
        }, () -> { });
    }

    /** Writes {@code text} as UTF-8 to {@code target}, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        writeStream(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Writes {@code target} atomically with a writer that opens the temporary file by its path. */
    public static void write(Path target, Writer writer) throws IOException {
        write(target, temporaryFor(target), writer, () -> { });
    }

    /**
     * Writes {@code target} atomically, or throws the caller's own exception made by {@code failure}
     * from a one-line message that names the target ("cannot write T: folder F does not exist",
     * "cannot write T: it is a folder", "could not write T (no space left on device); any earlier
     * file there is unchanged") and the cause, if any.
     */
    public static void write(Path target, Writer writer, BiFunction<String, Throwable, ? extends RuntimeException> failure) {
        Path folder = target.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw failure.apply("cannot write " + target + ": folder " + folder + " does not exist", null);
        }
        if (Files.isDirectory(target)) {
            throw failure.apply("cannot write " + target + ": it is a folder", null);
        }
        try {
            write(target, writer);
        } catch (IOException | RuntimeException e) {
            throw failure.apply("could not write " + target + " (" + reason(e) + "); any earlier file there is unchanged", e);
        }
    }

    /**
     * What went wrong, in a few words: the I/O error under a library's wrapper when there is one
     * (jhdf reports a full disk as "Exception writing", caused by "No space left on device").
     */
    private static String reason(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io) {
                return FileErrors.describe(io);
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Writes {@code tmp} with {@code writer}, runs {@code beforeMove}, then renames {@code tmp} to
     * {@code target}; {@code tmp} is deleted on every path out.
     */
    public static void write(Path target, Path tmp, Writer writer, BeforeMove beforeMove) throws IOException {
        try {
            Files.deleteIfExists(tmp); // a leftover of a killed process with our id, or a planted link (never what it names)
            Files.createFile(tmp); // O_EXCL: fails on anything there, links included; not createTempFile, whose
            // owner-only permissions would carry over to the file
            writer.write(tmp);
            beforeMove.run();
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the temporary file is hidden and named after the target
            }
        }
    }
}
