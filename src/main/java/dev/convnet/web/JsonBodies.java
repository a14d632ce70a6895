package dev.convnet.web;

import com.fasterxml.jackson.core.JacksonException;
import dev.convnet.data.ImageFormatException;
import dev.convnet.data.PictureFormat;
import java.util.Locale;
import java.util.Optional;

/** What to tell a client whose JSON body could not be read, in its words rather than Jackson's. */
final class JsonBodies {
    private JsonBodies() {
    }

    /** The picture format of a body sent as JSON that is a picture (PNG, JPEG, GIF, BMP), if it is one. */
    static Optional<PictureFormat> picture(byte[] body) {
        try {
            return Optional.of(PictureFormat.sniff(body));
        } catch (ImageFormatException e) {
            return Optional.empty();
        }
    }

    /** Where Jackson says an unclosed array or object began; see {@link #reason}. */
    private static final java.util.regex.Pattern START_MARKER =
            java.util.regex.Pattern.compile("\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)\\]\\)");

    /**
     * Why Jackson refused the body: NaN and Infinity named as what they are (JSON has no such numbers,
     * RFC 8259 section 6; Jackson's own message tells the server's programmer how to allow them),
     * bodies nested too deep and bodies that end too soon in a person's words, else Jackson's message
     * without its source location.
     */
    static String reason(JacksonException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.startsWith("Non-standard token")) {
            return "NaN and Infinity are not JSON numbers (RFC 8259, section 6): send finite numbers";
        }
        if (message.startsWith("Document nesting depth")) { // "... exceeds the maximum allowed (1000, from `StreamReadConstraints...`)"
            return "arrays and objects nested more than 1,000 deep";
        }
        int line = message.indexOf('\n');
        String first = line < 0 ? message : message.substring(0, line);
        // Jackson names where an unclosed array or object began as "(start marker at [Source: REDACTED
        // (`StreamReadFeature...` disabled); line: 1, column: 12])": the place is what a person needs
        java.util.regex.Matcher began = START_MARKER.matcher(first);
        if (first.startsWith("Unexpected end-of-input")) { // "... within/between Object entries": the body was cut short
            return "it ends before an object or array is closed" + (began.find()
                    ? " (one began at line " + began.group(1) + ", column " + began.group(2) + ")" : "");
        }
        return began.replaceAll("(it began at line $1, column $2)").strip();
    }

    /** E.g. "a PNG picture" for a picture sent where JSON was expected. */
    static String describe(PictureFormat format) {
        return "a " + format.name().toUpperCase(Locale.ROOT) + " picture";
    }
}
