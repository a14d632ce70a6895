package dev.convnet.web;

/** The server could not start (the port is taken, the address is not ours): one line for the user. */
public final class ServerStartException extends RuntimeException {
    ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
