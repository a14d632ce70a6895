package dev.convnet.interop;

/** An exported file that could not be written; the message names the file, so callers need not. */
public final class InteropWriteException extends InteropException {
    public InteropWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
