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
        if (e instanceof NoSuchFileException) {
            return "no such file";
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

    /**
     * As {@link #describe}, for a failure to create a file in a folder that exists: there ENOENT
     * means the file system takes no new files (/proc, /sys), not that something is missing.
     */
    public static String describeCreate(IOException e) {
        return e instanceof NoSuchFileException ? "it takes no new files" : describe(e);
    }
}
