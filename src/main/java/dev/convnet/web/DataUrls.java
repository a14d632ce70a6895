package dev.convnet.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Pictures as browser code sends them in text: a data URL ({@code data:image/png;base64,...}, what
 * {@code canvas.toDataURL()} returns; RFC 2397) or plain base64 (RFC 4648, standard or URL-safe
 * alphabet, padding optional, line breaks and spaces ignored). The caller has already bounded the
 * text's size, so the decoded bytes (3/4 of it) are bounded too; they then go through the same
 * image decoding as a binary body.
 */
final class DataUrls {
    private DataUrls() {
    }

    /** Whether these body bytes are a data URL rather than a picture's own bytes. */
    static boolean isDataUrl(byte[] body) {
        return body.length >= 5 && new String(body, 0, 5, StandardCharsets.ISO_8859_1).equalsIgnoreCase("data:");
    }

    /** Whether these bytes are printable ASCII text (as base64 is), not a picture's binary bytes. */
    static boolean isText(byte[] body) {
        for (byte b : body) {
            if ((b < 0x20 || b > 0x7e) && b != '\r' && b != '\n' && b != '\t') {
                return false;
            }
        }
        return body.length > 0;
    }

    /**
     * The bytes a data URL or base64 text holds.
     *
     * @throws HttpProblem 400 when the text is neither, or holds something other than an image
     */
    static byte[] decode(String text) {
        String s = text.strip();
        if (s.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = s.indexOf(',');
            if (comma < 0) {
                throw HttpProblem.badImage("malformed data URL: no ',' before the data; send what canvas.toDataURL() returns");
            }
            String meta = s.substring(5, comma).toLowerCase(Locale.ROOT);
            String type = meta.split(";", 2)[0].strip();
            if (!type.isEmpty() && !type.startsWith("image/") && !type.equals("application/octet-stream")) {
                throw HttpProblem.badImage("the data URL holds " + type.replaceAll("[^\\x21-\\x7e]", "?")
                        + ", not an image: send a PNG, JPEG, GIF or BMP picture");
            }
            String data = s.substring(comma + 1);
            return meta.contains(";base64") ? base64(data) : percentDecoded(data);
        }
        return base64(s);
    }

    private static byte[] base64(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                b.append('+'); // a '+' that went through form decoding unescaped
            } else if (c != '\r' && c != '\n' && c != '\t') {
                b.append(c);
            }
        }
        String clean = b.toString();
        if (clean.isEmpty()) {
            throw HttpProblem.badImage("empty body: send the image's bytes, a data URL or base64 text");
        }
        try {
            return clean.indexOf('-') >= 0 || clean.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(clean) : Base64.getDecoder().decode(clean);
        } catch (IllegalArgumentException e) {
            // (not the decoder's own words, e.g. "Last unit does not have enough valid bits": the text was never base64)
            throw HttpProblem.badImage("not an image: the text is neither a data URL nor base64; "
                    + "send the picture's bytes, or what canvas.toDataURL() returns");
        }
    }

    /** A data URL without ;base64: its bytes are percent-encoded (RFC 3986, 2.1). */
    private static byte[] percentDecoded(String data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length());
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (c == '%') {
                int hi = i + 2 < data.length() ? Character.digit(data.charAt(i + 1), 16) : -1;
                int lo = i + 2 < data.length() ? Character.digit(data.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw HttpProblem.badImage("malformed data URL: '%' not followed by two hex digits");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c & 0xFF);
            }
        }
        return out.toByteArray();
    }
}
