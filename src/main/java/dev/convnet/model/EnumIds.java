package dev.convnet.model;

import java.util.Locale;

/** The lower-case names that the command line and run records use for convnet's enums. */
final class EnumIds {
    private EnumIds() {
    }

    static String id(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose id is {@code id}, in any case; IllegalArgumentException with {@code unknown} otherwise. */
    static <E extends Enum<E>> E fromId(E[] values, String id, String unknown) {
        for (E e : values) {
            if (id(e).equalsIgnoreCase(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException(unknown);
    }
}
