package dev.convnet.engine;

/**
 * The engine asked for cannot run this network or on this backend; the message says why, in one
 * line. {@link #option()} names the option that asked for it, for a command line to put first.
 */
public final class EngineUnavailableException extends RuntimeException {
    private final String option;

    /** The oneDNN engine itself cannot: the option is {@code --engine onednn}. */
    public EngineUnavailableException(String message) {
        this("--engine onednn", message);
    }

    private EngineUnavailableException(String option, String message) {
        super(message);
        this.option = option;
    }

    /** For a message that names its option itself ("--precision bf16 needs ..."). */
    public static EngineUnavailableException namingItsOption(String message) {
        return new EngineUnavailableException(null, message);
    }

    /** The option that asked for the engine ({@code --engine onednn}), or null when the message names it. */
    public String option() {
        return option;
    }
}
