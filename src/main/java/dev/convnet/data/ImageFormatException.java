package dev.convnet.data;

/**
 * A picture that cannot be used: missing, unreadable, not an image, or over a size or work limit.
 * The caller names the file. {@link #overLimit()} tells a limit (an HTTP server answers 413) from a
 * damaged or unsupported file (400).
 */
public class ImageFormatException extends RuntimeException {
    private final boolean overLimit;

    public ImageFormatException(String message) {
        this(message, false);
    }

    ImageFormatException(String message, boolean overLimit) {
        super(message);
        this.overLimit = overLimit;
    }

    /** A picture refused because it would cost more than a limit allows (bytes, pixels, scans). */
    public static ImageFormatException overLimit(String message) {
        return new ImageFormatException(message, true);
    }

    /** Whether a limit refused the picture, rather than its being damaged or of another format. */
    public boolean overLimit() {
        return overLimit;
    }
}
