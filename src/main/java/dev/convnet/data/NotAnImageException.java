package dev.convnet.data;

/** Bytes that are no picture format convnet knows of (nor one it can name, such as TIFF or WebP). */
public final class NotAnImageException extends ImageFormatException {
    NotAnImageException(String message) {
        super(message, false);
    }
}
