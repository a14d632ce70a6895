package dev.convnet.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own answers to requests that never reach Javalin (a malformed request line, a bad
 * Content-Length, headers over the limit) as the same one-line JSON error as every other
 * answer, instead of Jetty's HTML page; both servers ({@code serve} and the live page) use it.
 * {@link #answerJavaLangError} does the same for a {@link java.lang.Error} a route throws.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);
    private final String busy;

    /** @param busy the error of a 503 (Jetty refusing a request it has no room for): what is busy and what to do */
    public JsonErrorHandler(String busy) {
        this.busy = busy;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (code == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    /**
     * A route's {@link java.lang.Error} (an OutOfMemoryError, a StackOverflowError), as Javalin's
     * {@code router.javaLangErrorHandler}: a 500 with the same one-line JSON error as every other
     * answer (Javalin's default sends an empty body), and the error in the log.
     */
    public static void answerJavaLangError(HttpServletResponse response, Error error) {
        if (!response.isCommitted()) { // else part of an answer went out already: nothing can be put in front of it
            try {
                response.resetBuffer();
                response.setStatus(500);
                response.setContentType("application/json");
                response.getOutputStream().write(("{\"error\":\"" + internalError(error) + "\"}").getBytes(StandardCharsets.UTF_8));
            } catch (IOException | IllegalStateException e) { // the client went away, or the route used the writer
                error.addSuppressed(e);
            }
        }
        LOG.error("a request failed with {}", error.toString(), error);
    }

    /** The error of a 500: what failed, by class name, and that the server goes on. */
    public static String internalError(Throwable failure) {
        return "internal error (" + failure.getClass().getSimpleName() + "); the server keeps serving";
    }

    private byte[] body(int code, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        String error = code == 503 ? busy : (code == 408 ? "request too slow: " : "malformed request: ") + text;
        String escaped = error.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ");
        return ("{\"error\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
