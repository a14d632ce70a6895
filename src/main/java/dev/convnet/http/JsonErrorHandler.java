package dev.convnet.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers to requests that never reach Javalin (a malformed request line, a bad
 * Content-Length, headers over the limit) as the same one-line JSON error as every other
 * answer, instead of Jetty's HTML page; both servers ({@code serve} and the live page) use it.
 */
public final class JsonErrorHandler extends ErrorHandler {
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

    private byte[] body(int code, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        String error = code == 503 ? busy : (code == 408 ? "request too slow: " : "malformed request: ") + text;
        String escaped = error.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ");
        return ("{\"error\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
