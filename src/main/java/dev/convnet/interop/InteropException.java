package dev.convnet.interop;

/**
 * A Keras or ONNX file that cannot be read, built or written; the message is one line that names
 * the file and the problem, ready for the user.
 */
public class InteropException extends RuntimeException {
    public InteropException(String message) {
        super(message);
    }

    public InteropException(String message, Throwable cause) {
        super(message, cause);
    }
}
