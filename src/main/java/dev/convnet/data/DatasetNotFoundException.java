package dev.convnet.data;

/** A dataset folder or file that is not there (as opposed to one that is there but unreadable or malformed). */
public final class DatasetNotFoundException extends DataFormatException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
