package dev.convnet.run;

/** A run record that is missing a key, holds a value that does not parse, or one out of range. */
public final class MalformedRunRecordException extends IllegalArgumentException {
    MalformedRunRecordException(String detail) {
        super("malformed run record: " + detail);
    }

    MalformedRunRecordException(Throwable cause) {
        super("malformed run record (" + cause.getMessage() + ")", cause);
    }
}
