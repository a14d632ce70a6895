package dev.convnet.data;

/** A picture that cannot be used: missing, unreadable, not an image, or over a size limit. The caller names the file. */
public final class ImageFormatException extends RuntimeException {
    public ImageFormatException(String message) {
        super(message);
    }
}
