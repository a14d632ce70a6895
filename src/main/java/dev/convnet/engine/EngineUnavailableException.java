package dev.convnet.engine;

/** The engine asked for cannot run this network or on this backend; the message says why, in one line. */
public final class EngineUnavailableException extends RuntimeException {
    public EngineUnavailableException(String message) {
        super(message);
    }
}
