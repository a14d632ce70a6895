package dev.convnet.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pictures in a {@code POST /predict} body, in every form clients send them:
 * <ul>
 *   <li>the picture's bytes (any Content-Type but the ones below);</li>
 *   <li>multipart/form-data: parts named {@code image}, each a file or a field holding a data URL or base64;</li>
 *   <li>text/plain: a data URL ({@code data:image/png;base64,...}, what {@code canvas.toDataURL()}
 *       returns) or plain base64; a data URL is also recognised under any other type, as browser code
 *       often sends it with the wrong one;</li>
 *   <li>application/x-www-form-urlencoded: fields named {@code image}, each a data URL or base64;</li>
 *   <li>application/json: {@code {"image": "data:..."}} or {@code {"images": ["data:...", ...]}}.</li>
 * </ul>
 * The whole body is bounded by {@code --max-body-bytes} before anything is decoded; text is
 * decoded by {@link DataUrls}. Reading ends with 408 when the body misses its deadline.
 *
 * @param maxBodyBytes the largest body read
 * @param verbose whether a failed read is logged with its stack trace
 * @param timeouts the body's deadline
 */
record RequestImages(long maxBodyBytes, boolean verbose, ServerTimeouts timeouts) {
    private static final Logger LOG = LoggerFactory.getLogger(RequestImages.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A too-large body up to this many times the limit is read and dropped, so its 413 arrives (see discardBody). */
    private static final int DISCARDED_BODY_FACTOR = 4;

    /**
     * The pictures' encoded bytes, in order.
     *
     * @param images each picture's bytes (PNG, JPEG, ...), not yet decoded
     * @param list whether the client sent a list (multipart, JSON "images") and gets a JSON array back
     */
    record Images(List<Picture> images, boolean list) {
    }

    /**
     * One picture of a request: its bytes, or why the text it was sent as could not be turned into
     * bytes (bad base64), which is that picture's answer in a list, not the whole request's.
     */
    record Picture(byte[] bytes, HttpProblem problem) {
        /** The bytes; the picture's problem, thrown, when it has one. */
        byte[] bytesOrThrow() {
            if (problem != null) {
                throw problem;
            }
            return bytes;
        }

        static Picture of(byte[] bytes) {
            return new Picture(bytes, null);
        }

        /** The picture that {@code text} (a data URL or base64) decodes to, or its problem. */
        static Picture decoded(String text) {
            try {
                return of(DataUrls.decode(text));
            } catch (HttpProblem e) {
                return new Picture(null, e);
            }
        }
    }

    Images read(Context ctx) {
        refuseDeclaredTooLarge(ctx);
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT).strip();
        if (type.startsWith("multipart/form-data")) {
            return new Images(parts(ctx), true);
        }
        byte[] body = body(ctx);
        // A picture's bytes under a JSON type are still a picture, as under any other wrong type.
        if ((type.startsWith("application/json") || type.matches("application/[\\w.+-]*\\+json.*"))
                && JsonBodies.picture(body).isEmpty()) {
            return json(body);
        }
        // Text is decoded only when it is text: a picture's bytes under a wrong type (curl --data-binary
        // sends application/x-www-form-urlencoded unless told) are still a picture.
        if (DataUrls.isDataUrl(body) || type.startsWith("text/plain") && DataUrls.isText(body)) {
            return new Images(List.of(Picture.of(DataUrls.decode(new String(body, StandardCharsets.ISO_8859_1)))), false);
        }
        if (type.startsWith("application/x-www-form-urlencoded") && DataUrls.isText(body)) {
            return new Images(formFields(body), false);
        }
        return new Images(List.of(Picture.of(body)), false);
    }

    /**
     * Reads and drops a too-large body of at most {@value #DISCARDED_BODY_FACTOR} times the limit before
     * the 413 is sent: a connection closed with request bytes still unread is reset by TCP, and a client
     * still sending its body may then lose the answer. Larger bodies are not read (the connection
     * closes after the answer); the body's deadline bounds the time either way.
     */
    private void discardBody(Context ctx, long declared) {
        if (declared > DISCARDED_BODY_FACTOR * maxBodyBytes) {
            return;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] sink = new byte[64 * 1024];
            while (in.read(sink) >= 0) {
                // dropped
            }
        } catch (IOException | RuntimeException e) {
            // the 413 stands
        }
    }

    /**
     * The whole body of a request that is not pictures (an inference request's JSON), read as
     * {@link #read} reads one: bounded by {@code maxBodyBytes}, with the same 413 and 408 messages.
     *
     * @throws HttpProblem 413 for a body over the limit, 408 for one sent too slowly, 400 when it cannot be read
     */
    byte[] bytes(Context ctx) {
        refuseDeclaredTooLarge(ctx);
        return body(ctx);
    }

    private void refuseDeclaredTooLarge(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            discardBody(ctx, declared);
            throw HttpProblem.tooLarge(tooLargeBody(declared));
        }
    }

    private byte[] body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                throw HttpProblem.tooLarge(tooLargeBody(-1));
            }
            return bytes;
        } catch (HttpProblem e) {
            throw e;
        } catch (IOException | RuntimeException e) { // Jetty's minimum data rate throws a runtime BadMessageException (408)
            throw readFailure(e);
        }
    }

    private static Images json(byte[] body) {
        JsonNode doc;
        try {
            doc = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw HttpProblem.badImage("malformed JSON body (" + JsonBodies.reason(e) + "); send {\"image\": \"data:image/png;base64,...\"}");
        } catch (IOException e) {
            throw HttpProblem.badImage("malformed JSON body (" + firstLine(e) + "); send {\"image\": \"data:image/png;base64,...\"}");
        }
        String usage = "; send {\"image\": \"data:image/png;base64,...\"} or {\"images\": [...]}";
        if (doc != null && doc.isObject() && doc.get("image") != null && doc.get("images") != null) {
            throw HttpProblem.badImage("both \"image\" and \"images\" in the JSON body: send one picture as \"image\""
                    + " or several as \"images\", not both"); // which would be answered? one was, silently
        }
        if (doc != null && doc.isObject() && doc.get("image") != null) {
            if (!doc.get("image").isTextual()) {
                throw HttpProblem.badImage("\"image\" must be a string: a data URL or base64" + usage);
            }
            return new Images(List.of(Picture.of(DataUrls.decode(doc.get("image").asText()))), false);
        }
        if (doc != null && doc.isObject() && doc.get("images") != null && doc.get("images").isArray()) {
            JsonNode list = doc.get("images");
            if (list.isEmpty()) {
                throw HttpProblem.badImage("\"images\" is empty" + usage);
            }
            checkCount(list.size());
            List<Picture> images = new ArrayList<>();
            for (JsonNode item : list) {
                if (!item.isTextual()) {
                    throw HttpProblem.badImage("each of \"images\" must be a string: a data URL or base64" + usage);
                }
                images.add(Picture.decoded(item.asText()));
            }
            return new Images(images, true);
        }
        throw HttpProblem.badImage("no \"image\" in the JSON body" + usage);
    }

    /** Whether a body is base64 text alone (at least 16 characters of its alphabet, '=' padding, line breaks). */
    private static boolean looksLikeBase64(byte[] body) {
        int letters = 0;
        for (byte b : body) {
            boolean alphabet = b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/';
            if (!alphabet && b != '=' && b != '\n' && b != '\r') {
                return false;
            }
            letters += alphabet ? 1 : 0;
        }
        return letters >= 16;
    }

    private static List<Picture> formFields(byte[] body) {
        List<Picture> images = new ArrayList<>();
        for (String field : new String(body, StandardCharsets.ISO_8859_1).split("&")) {
            int eq = field.indexOf('=');
            String name = eq < 0 ? field : field.substring(0, eq);
            if (decodeForm(name).equals("image")) {
                checkCount(images.size() + 1);
                images.add(Picture.of(DataUrls.decode(eq < 0 ? "" : decodeForm(field.substring(eq + 1)))));
            }
        }
        if (images.isEmpty()) {
            if (looksLikeBase64(body)) { // curl --data-binary @digit.b64 sends it as a form unless told otherwise
                throw HttpProblem.badImage("not an image: the body looks like base64 sent as a form (curl's default content type);"
                        + " send it with -H 'Content-Type: text/plain', or as a form field image=<base64>");
            }
            throw HttpProblem.badImage("not an image: send a PNG, JPEG, GIF or BMP picture, a data URL, "
                    + "or a form with an 'image' field (image=<a data URL or base64>)");
        }
        return images;
    }

    private static String decodeForm(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badImage("malformed form body (" + e.getMessage() + ")");
        }
    }

    private List<Picture> parts(Context ctx) {
        List<Part> parts = new ArrayList<>();
        try {
            ctx.uploadedFiles("image"); // parses the body under Javalin's multipart limits
            for (Part part : ctx.req().getParts()) {
                if ("image".equals(part.getName())) {
                    parts.add(part);
                }
            }
        } catch (Exception e) { // Jetty's parser throws ServletException (checked, yet undeclared) and runtime ones
            if (namelessPart(e)) { // Javalin reads every part's name, and a part may have none
                throw HttpProblem.badImage("a part of the multipart/form-data body has no name; send each picture as a part named "
                        + "'image' (Content-Disposition: form-data; name=\"image\"; filename=\"digit.png\")");
            }
            HttpProblem charset = RequestCharset.problem(e, "a part of the multipart/form-data body");
            if (charset != null) {
                throw charset;
            }
            if (verbose) {
                LOG.info("multipart body refused", e);
            }
            throw multipartFailure(e);
        }
        if (parts.isEmpty()) {
            throw HttpProblem.badImage("no 'image' part in the multipart/form-data body; name each picture's part 'image'");
        }
        checkCount(parts.size());
        List<Picture> bodies = new ArrayList<>();
        for (Part part : parts) { // in the order sent
            byte[] bytes;
            try (InputStream in = part.getInputStream()) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes));
            } catch (IOException e) {
                throw HttpProblem.badImage("could not read an 'image' part (" + firstLine(e) + ")");
            }
            // a data URL anywhere, or base64 text in a form field (no filename); otherwise the picture's own bytes
            boolean text = DataUrls.isDataUrl(bytes) || part.getSubmittedFileName() == null && DataUrls.isText(bytes);
            bodies.add(text ? Picture.decoded(new String(bytes, StandardCharsets.ISO_8859_1)) : Picture.of(bytes));
        }
        return bodies;
    }

    private static boolean namelessPart(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // the servlet layer compares each part's name with equals(): a nameless part is its NullPointerException
            // (its message names Part.getName() unless the JVM runs with -XX:-ShowCodeDetailsInExceptionMessages)
            if (t instanceof NullPointerException && (t.getMessage() == null || t.getMessage().contains("getName()"))) {
                return true;
            }
        }
        return false;
    }

    private static void checkCount(int n) {
        if (n > ServerSettings.MAX_IMAGES_PER_REQUEST) {
            throw HttpProblem.tooLarge("too many images: " + n + " in one request, the limit is "
                    + ServerSettings.MAX_IMAGES_PER_REQUEST);
        }
    }

    private HttpProblem multipartFailure(Exception e) {
        HttpProblem slow = slowBody(e);
        if (slow != null) {
            return slow;
        }
        String text = causes(e);
        if (text.contains("header")) {
            // Jetty's part parser bounds each part's headers; that is not the body's size.
            return HttpProblem.badImage("malformed multipart/form-data body: a part's headers are too long ("
                    + firstLine(e) + "); keep each part's headers short, e.g. a short filename");
        }
        if (text.contains("exceed") || text.contains("too large") || text.contains("too big")) {
            return HttpProblem.tooLarge(tooLargeBody(-1));
        }
        return HttpProblem.badImage("malformed multipart/form-data body (" + firstLine(e)
                + "); send one or more parts named 'image'");
    }

    private HttpProblem readFailure(Exception e) {
        HttpProblem slow = slowBody(e);
        // A client that stops sending (or a stop that will not wait for it) ends here; no internals in the answer.
        return slow != null ? slow : HttpProblem.badImage("the request body did not arrive completely; send it again");
    }

    /** 408 when a read failed because the body came too slowly (our deadline or Jetty's minimum data rate). */
    private HttpProblem slowBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof FrontDoor.BodyDeadlineException || t instanceof TimeoutException
                    || t instanceof HttpException http && http.getCode() == 408
                    || text.contains("data rate") || text.contains("timeout")) {
                return new HttpProblem(408, timeouts.slowBodyMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String causes(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
            b.append(t.getMessage()).append(' ');
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private String tooLargeBody(long declared) {
        return declared >= 0
                ? String.format(Locale.ROOT, "request body too large: %,d bytes, the limit is %,d bytes", declared, maxBodyBytes)
                : String.format(Locale.ROOT, "request body too large: over the limit of %,d bytes", maxBodyBytes);
    }

    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = text.indexOf('\n');
        text = nl < 0 ? text : text.substring(0, nl);
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
