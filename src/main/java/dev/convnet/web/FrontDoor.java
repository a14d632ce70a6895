package dev.convnet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.http.HostCheck;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first handler every request meets, before Javalin's routing: it answers what must not reach
 * the routes, and gives each request its deadline.
 * <ul>
 *   <li>a method that is not one of HTTP's (methods are case-sensitive: {@code get}, {@code FOO1}):
 *       405 JSON, instead of Javalin's empty 500;</li>
 *   <li>a Host the server does not answer to ({@link HostCheck}): 421 Misdirected Request;</li>
 *   <li>HEAD is handled as GET; Jetty then sends the headers GET would (Content-Type, Content-Length)
 *       without the body (RFC 9110, 9.3.2);</li>
 *   <li>a body still arriving {@link ServerTimeouts#bodyDeadlineMillis} after its reading began, or
 *       arriving slower than {@link ServerTimeouts#minRequestDataRate} after a grace period, ends the
 *       read with a {@link BodyDeadlineException} (answered 408). Jetty's idle timeout makes a read
 *       return at least that often, so this holds for a client that trickles a byte a second as
 *       for one that pauses. (Jetty's own minimum data rate has no grace: a 300-byte body with a
 *       0.6 s pause in it fails it.)</li>
 * </ul>
 */
final class FrontDoor extends Handler.Wrapper {
    /** The request attribute holding the method as the client sent it (HEAD, which the routes see as GET). */
    static final String METHOD_ATTRIBUTE = "convnet.method";
    /** HTTP's methods (RFC 9110 and RFC 5789); any other is refused before it reaches routing or metrics. */
    /** The methods the server's routes take, as the Allow header names them. */
    private static final String ALLOWED = "GET, HEAD, POST";
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /** Receives the requests this handler answers itself, for the metrics. */
    interface Answered {
        void request(String method, String path, int status, float milliseconds);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HostCheck hosts;
    private final ServerTimeouts timeouts;
    private final Answered answered;

    FrontDoor(HostCheck hosts, ServerTimeouts timeouts, Answered answered, Handler next) {
        super(next);
        this.hosts = hosts;
        this.timeouts = timeouts;
        this.answered = answered;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long begin = System.nanoTime();
        String method = request.getMethod();
        if (!METHODS.contains(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, ALLOWED);
            return answer(request, response, callback, begin, 405, "unknown HTTP method '" + printable(method)
                    + "' (methods are case-sensitive); use GET, or POST for /predict");
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (!hosts.accepts(host)) {
            return answer(request, response, callback, begin, 421, "this server does not answer to Host '" + printable(host)
                    + "'; it answers to " + hosts.describe() + " (start it with --allowed-hosts NAME to add a name)");
        }
        if ("*".equals(request.getHttpURI().getPath())) { // OPTIONS * (RFC 9110, 7.1): the server as a whole; Jetty refuses other methods' *
            response.getHeaders().put(HttpHeader.ALLOW, ALLOWED);
            return answer(request, response, callback, begin, 200, null);
        }
        request.setAttribute(METHOD_ATTRIBUTE, method);
        return super.handle(new Deadlined(request, timeouts, "HEAD".equals(method)), response, callback);
    }

    /** Answers here: {@code {"error": message}}, or for a null message the methods the server takes. */
    private boolean answer(Request request, Response response, Callback callback, long begin, int status, String message)
            throws JsonProcessingException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // The request's body is not read: close the connection rather than parse whatever follows as a request.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(message == null ? Map.of("allow", ALLOWED)
                : Map.of("error", message))), callback);
        // no route matched: the path is the client's own text, so it counts as "other" like any unmatched path
        answered.request(request.getMethod(), null, status, (System.nanoTime() - begin) / 1e6f);
        return true;
    }

    /** A client-chosen text as it may appear in a one-line error: at most 60 printable characters. */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "..." : clean;
    }

    /** Thrown into a body read that goes past the request's deadline. */
    static final class BodyDeadlineException extends TimeoutException {
        BodyDeadlineException(String message) {
            super(message);
        }
    }

    /** A request whose body must arrive in time: within the deadline, and at the minimum rate after a grace period. */
    private static final class Deadlined extends Request.Wrapper {
        private final ServerTimeouts timeouts;
        private final boolean head;
        private long began; // when the handler first read the body: a request that waited for a thread is not blamed for the wait
        private boolean reading;
        private long bytes;

        Deadlined(Request request, ServerTimeouts timeouts, boolean head) {
            super(request);
            this.timeouts = timeouts;
            this.head = head;
        }

        @Override
        public String getMethod() {
            return head ? "GET" : super.getMethod();
        }

        @Override
        public Content.Chunk read() {
            long now = System.nanoTime();
            if (!reading) {
                reading = true;
                began = now;
            }
            long elapsed = now - began;
            if (elapsed > timeouts.bodyDeadlineMillis() * 1_000_000L || timeouts.tooSlow(bytes, elapsed)) {
                return Content.Chunk.from(new BodyDeadlineException("the request body did not arrive in time"), true);
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                bytes += chunk.remaining();
            }
            return chunk;
        }
    }
}
