package dev.convnet.model;

/** A model file that cannot be written, read, or used with the data at hand; the message names the file. */
public final class ModelFileException extends RuntimeException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
