package dev.convnet.app;

/**
 * A setting out of range or inconsistent with the data. The message reads after the setting's
 * name, e.g. {@code must be between 1 and 60000, got 0}; a front end prefixes its own name for it.
 */
public final class InvalidSettingException extends RuntimeException {
    private final Setting setting;

    public InvalidSettingException(Setting setting, String problem) {
        super(problem);
        this.setting = setting;
    }

    public Setting setting() {
        return setting;
    }
}
