package dev.convnet.report;

import java.nio.file.Path;

/**
 * Text from a file or a path made safe for a terminal line: control characters (C0, DEL, C1, which
 * include ESC, the start of every terminal escape sequence) and the Unicode bidirectional overrides
 * are written as visible escapes ({@code \n}, {@code \x1b}, {@code \u202e}). A Keras layer named
 * {@code ESC[2J} cleared the screen through an error line; a picture whose name held a newline split
 * predict's row in two. Used at the edge, where the CLI prints a line.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code s} with every control character escaped; null as "null". */
    public static String text(String s) {
        if (s == null) {
            return "null";
        }
        if (s.codePoints().noneMatch(Printable::isUnsafe)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        s.codePoints().forEach(c -> {
            if (!isUnsafe(c)) {
                b.appendCodePoint(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.toString();
    }

    /** A path as given, escaped like {@link #text}. */
    public static String path(Path path) {
        return text(path == null ? null : path.toString());
    }

    /** True for what a terminal would act on instead of showing: controls and direction overrides. */
    static boolean isUnsafe(int c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c;
    }
}
