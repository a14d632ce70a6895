package dev.convnet.data;

/** A dataset file that is missing, unreadable or not a valid IDX file; the message names the file. */
public class DataFormatException extends RuntimeException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
