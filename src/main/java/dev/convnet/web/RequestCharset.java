package dev.convnet.web;

import io.javalin.http.Context;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;

/**
 * A request whose Content-Type names a charset Java does not know ({@code charset=bogus}) or cannot
 * be a name ({@code charset="??"}): 415, saying what to send. The servlet layer parses the charset
 * whenever a route asks for the content type, the character encoding or a query parameter, and
 * throws then; checked before any route runs, every endpoint gives the same answer.
 */
final class RequestCharset {
    private RequestCharset() {
    }

    /** Throws the 415 when the request's Content-Type names an unknown or illegal charset. */
    static void check(Context ctx) {
        try {
            ctx.req().getContentType(); // Jetty parses the charset as every later reader of the request will
            ctx.req().getCharacterEncoding();
        } catch (IllegalArgumentException e) {
            HttpProblem problem = problem(e, "the Content-Type");
            throw problem != null ? problem : e;
        }
    }

    /**
     * The 415 for {@code e} when it, or one of its causes, is Java's refusal of a charset name; null otherwise.
     *
     * @param where where the charset was named: "the Content-Type", or "a part of the multipart/form-data body"
     *     (a part's Content-Type or its _charset_ field)
     */
    static HttpProblem problem(Throwable e, String where) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t instanceof UnsupportedCharsetException u ? u.getCharsetName()
                    : t instanceof IllegalCharsetNameException i ? i.getCharsetName() : null;
            if (name != null) {
                return new HttpProblem(415, "unknown charset '" + printable(name) + "' in " + where + "; send the "
                        + "text as UTF-8 with charset=utf-8 or no charset (a picture's bytes need none)");
            }
        }
        return null;
    }

    /** A client-chosen name as it may appear in a one-line error: at most 60 printable characters. */
    private static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "..." : clean;
    }
}
