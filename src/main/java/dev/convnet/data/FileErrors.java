package dev.convnet.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Words for an I/O failure a person can act on. The JDK's exceptions carry only a path as their
 * message ({@code AccessDeniedException: /x}), so printing them names neither the problem nor a fix.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** "permission denied", "no such file", or the system's own reason, without the exception's type. */
    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() != null && undecodable(missing.getFile()) ? UNDECODABLE : "no such file";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file is in the way";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static final String UNDECODABLE = "its name is not valid " + System.getProperty("sun.jnu.encoding", "UTF-8")
            + " and Java cannot open a file by such a name (a folder holding it can be given instead): rename it";

    /** Whether a path came with bytes the JVM could not decode (they arrive as U+FFFD, and no file has that name). */
    private static boolean undecodable(String path) {
        return path.indexOf('\uFFFD') >= 0;
    }

    /**
     * What is at {@code path} when it is not a regular file to read: "no such file" (or why its
     * name cannot be opened), "a folder", "a FIFO", "a device", "a socket", "a link to nothing";
     * null for a regular file (links followed).
     */
    public static String notARegularFile(java.nio.file.Path path) {
        if (java.nio.file.Files.isRegularFile(path)) {
            return null;
        }
        if (java.nio.file.Files.isDirectory(path)) {
            return "a folder";
        }
        if (!java.nio.file.Files.exists(path)) {
            if (java.nio.file.Files.isSymbolicLink(path)) {
                return "a link to nothing";
            }
            return undecodable(path.toString()) ? UNDECODABLE : "no such file";
        }
        try {
            int type = (Integer) java.nio.file.Files.getAttribute(path, "unix:mode") & 0170000; // S_IFMT, from stat(2)
            return switch (type) {
                case 0010000 -> "a FIFO";
                case 0020000, 0060000 -> "a device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "not a regular file";
        }
    }

    /**
     * "WHAT not found", or "WHAT is a FIFO, not a file ..." when something else is there, for a
     * file the user named; null when {@code path} is a regular file.
     *
     * @param what the file's role and name, e.g. "checkpoint m.zip"
     * @param wanted what a file there should be, e.g. "a model .zip, .keras or .h5"
     */
    public static String unreadable(String what, java.nio.file.Path path, String wanted) {
        String problem = notARegularFile(path);
        if (problem == null) {
            return null;
        }
        return what + (problem.equals("no such file") ? " not found"
                : problem.startsWith("its name") ? ": " + problem : " is " + problem + ", not a file: give " + wanted);
    }

    /**
     * As {@link #describe}, for a failure to create a file in a folder that exists: there ENOENT
     * means the file system takes no new files (/proc, /sys), not that something is missing.
     */
    public static String describeCreate(IOException e) {
        return e instanceof NoSuchFileException ? "it takes no new files" : describe(e);
    }
}
