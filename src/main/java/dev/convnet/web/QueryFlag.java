package dev.convnet.web;

import java.util.Locale;

/**
 * A yes/no query parameter such as {@code ?explain=true}: true, 1, yes, on and a bare {@code ?explain}
 * mean yes; false, 0, no and off mean no (any case); anything else is a 400, never a guess.
 */
final class QueryFlag {
    private QueryFlag() {
    }

    /**
     * The flag's value from every time it is given ({@code ?explain=true&explain=false}): they must
     * agree, or it is a 400 rather than whichever comes first; {@code false} when absent.
     */
    static boolean parse(String name, java.util.List<String> values) {
        boolean first = parse(name, values.isEmpty() ? null : values.get(0));
        for (String value : values) {
            if (parse(name, value) != first) {
                throw HttpProblem.badImage("?" + name + " is given more than once, as yes and as no; give it once");
            }
        }
        return first;
    }

    /** The flag's value; {@code false} when the parameter is absent. */
    static boolean parse(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "", "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw HttpProblem.badImage("?" + name + "=" + value.replaceAll("[^\\x20-\\x7e]", "?")
                    + " is not a yes/no value; use " + name + "=true or " + name + "=false (also 1/0, yes/no)");
        };
    }
}
