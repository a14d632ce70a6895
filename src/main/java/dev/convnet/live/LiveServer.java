package dev.convnet.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.http.ConnectionLimit;
import dev.convnet.http.HostCheck;
import dev.convnet.http.JsonErrorHandler;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The page of {@code train --live} on 127.0.0.1: {@code GET /} (one self-contained page),
 * {@code GET /events} (the run as server-sent events, replayed from the start or from the
 * browser's {@code Last-Event-ID}), {@code GET /earlier} (earlier runs' history files, JSON) and
 * {@code POST /stop} (the Stop button: what Ctrl-C does while training runs; after it, it closes
 * the page's server).
 *
 * <p>Each page is served by its own request thread, which reads the {@link LiveFeed}; the training
 * thread only appends to it. At most {@link #MAX_STREAMS} event streams are open at once (more get
 * 503), so a flood of idle streams cannot take every thread from the page and Stop. Every error
 * is one JSON line {@code {"error": "..."}}, as {@code serve}'s.
 */
public final class LiveServer implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    /**
     * The shortest time between two writes to a page: a page that drew each of an epoch's 200
     * points as it came would wake this stream's thread, the browser and its redraw that many
     * times on the cores training runs on; 4 writes a second still look live.
     */
    static final long WRITE_INTERVAL_MILLIS = 250;
    static final String STOP_HEADER = "X-Convnet-Action";
    /**
     * Most event streams open at once; each holds a request thread while it lasts. A person's tabs
     * need a few; 300 idle ones took all of Jetty's threads and the page and Stop stopped answering.
     */
    static final int MAX_STREAMS = 16;
    /** Most open connections: a flood must not take the file descriptors the run needs to save its checkpoints. */
    private static final int MAX_CONNECTIONS = ConnectionLimit.forThisProcess();
    /** Connections the kernel holds for Jetty to accept: Java's default of 50 drops a burst's connections beyond it. */
    private static final int ACCEPT_QUEUE = 1_024;
    private static final HostCheck HOSTS = HostCheck.of(HOST, List.of());
    /** Each path the page's server has and the method it takes: what a 404 lists and a 405's Allow names. */
    private static final Map<String, String> ROUTES = Map.of("/", "GET", "/events", "GET", "/earlier", "GET", "/stop", "POST");
    private static final String PATHS = "GET /, GET /events, GET /earlier or POST /stop";
    /** HTTP's methods (RFC 9110 and RFC 5789), as serve's; Javalin answers any other with an empty 500. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiveFeed feed;
    private final Javalin app;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Runnable stop;
    private final LiveTraining listener;
    private volatile boolean trainingEnded;

    private LiveServer(LiveFeed feed, String earlierJson, Runnable stop, int port) {
        this.feed = feed;
        this.stop = stop;
        this.listener = new LiveTraining(feed);
        byte[] page = asset("live/index.html");
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.prefer405over404 = true;
            // Our own connector, as Javalin's default one but for its listen backlog (as serve's)
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(HOST);
                connector.setPort(port);
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                return connector;
            });
            config.jetty.modifyServer(server -> {
                // Javalin attaches its servlet inside the innermost of these handlers
                server.setHandler(new KnownMethods(streamLimit()));
                server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
                // Jetty's own refusals (a malformed request, headers too large) as JSON, not its HTML page
                server.setErrorHandler(new JsonErrorHandler("the live page's server is busy; try again shortly"));
            });
            config.router.javaLangErrorHandler(JsonErrorHandler::answerJavaLangError);
            config.routes.before(this::refuseForeignHost);
            config.routes.get("/", ctx -> ctx.header("Cache-Control", "no-cache").contentType("text/html; charset=utf-8")
                    .result(page));
            config.routes.get("/events", this::events);
            config.routes.get("/earlier", ctx -> ctx.contentType("application/json").result(earlierJson));
            config.routes.post("/stop", this::stop);
            // Every error is one JSON line {"error": "..."}, as serve's
            config.routes.error(404, ctx -> error(ctx, 404, "no such path: " + printable(ctx.path()) + " (the live page has "
                    + PATHS + ")"));
            config.routes.error(405, ctx -> {
                String allowed = ROUTES.getOrDefault(ctx.path(), "GET");
                ctx.header("Allow", allowed.equals("GET") ? "GET, HEAD" : allowed); // RFC 9110, 15.5.6
                error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path() + "; use " + allowed);
            });
            config.routes.exception(Exception.class, (e, ctx) ->
                    error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); the page keeps serving"));
        });
    }

    /** Event streams open now: {@link #close} waits (briefly) for them to send their last events. */
    private final java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Serves the page of a run saving to {@code model} on 127.0.0.1:{@code port} (0: any free port);
     * earlier runs are the history files beside {@code model}.
     *
     * @param stop what the Stop button does while training runs (ask the session to stop)
     * @throws IllegalStateException with a sentence to show when the port cannot be had
     */
    public static LiveServer start(java.nio.file.Path model, int port, Runnable stop) {
        java.nio.file.Path folder = model.toAbsolutePath().getParent();
        LiveServer server = new LiveServer(new LiveFeed(), EarlierRuns.json(folder), stop, port);
        try {
            server.app.start(HOST, port);
        } catch (RuntimeException e) {
            if (inUse(e)) {
                throw new IllegalStateException("port " + port + " on " + HOST + " is already in use; stop the other server "
                        + "or choose another with --port (0: any free port)", e);
            }
            throw new IllegalStateException("port " + port + " on " + HOST + " cannot be used for the live page ("
                    + e.getMessage() + "); choose another with --port", e);
        }
        return server;
    }

    /** {@code {"error": message}} with its status. */
    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(json(message));
    }

    private static String json(String message) {
        try {
            return JSON.writeValueAsString(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client-chosen text as it may appear in a one-line error: at most 60 printable characters. */
    private static String printable(String text) {
        String clean = String.valueOf(text).replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "..." : clean;
    }

    /**
     * 405 JSON for a method that is not one of HTTP's ({@code get}, {@code FOO1}: methods are
     * case-sensitive), before Javalin, which answers those with an empty 500.
     */
    private static final class KnownMethods extends Handler.Wrapper {
        KnownMethods(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (METHODS.contains(request.getMethod())) {
                return super.handle(request, response, callback);
            }
            response.setStatus(405);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST");
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // its body is not read
            response.write(true, ByteBuffer.wrap(json("unknown HTTP method '" + printable(request.getMethod())
                    + "' (methods are case-sensitive); the live page has " + PATHS).getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    /**
     * Jetty's QoSHandler on {@code GET /events}: {@link #MAX_STREAMS} at once, none waiting; the
     * others are answered at once with 503 and closed, so the refused ones hold neither a thread nor
     * a connection.
     */
    private static QoSHandler streamLimit() {
        QoSHandler streams = new QoSHandler() {
            @Override
            protected void reject(Request request, Response response, Callback callback, int status) {
                response.setStatus(503);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                response.write(true, ByteBuffer.wrap(json("too many event streams open (" + MAX_STREAMS
                        + "); close other tabs of this page, or try again shortly").getBytes(StandardCharsets.UTF_8)), callback);
            }
        };
        streams.includeMethod("GET");
        streams.includePath("/events");
        streams.setMaxRequestCount(MAX_STREAMS);
        streams.setMaxSuspendedRequestCount(0);
        return streams;
    }

    /** Whether {@code e} comes from a port another process holds (Jetty's BindException, somewhere in the causes). */
    private static boolean inUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("already in use")) {
                return true;
            }
        }
        return false;
    }

    /** The listener that turns the run into this page's events. */
    public LiveTraining listener() {
        return listener;
    }

    public String url() {
        return "http://" + HOST + ":" + app.port() + "/";
    }

    /** Training is over: the Stop button now closes the page's server. */
    public void trainingEnded() {
        trainingEnded = true;
    }

    /** Ends {@link #awaitClose} as the page's Close does (a signal once training is over). */
    public void release() {
        closed.countDown();
    }

    /** Waits until the page's Close, {@link #release()} or {@link #close()}. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /**
     * 421 for a Host that is not a loopback name: a page on an attacker's name rebound to 127.0.0.1
     * (DNS rebinding) could otherwise read the run and press Stop, as {@code serve} refuses it.
     */
    private void refuseForeignHost(Context ctx) {
        if (!HOSTS.accepts(ctx.header("Host"))) {
            ctx.status(421).contentType("application/json").result("{\"error\":\"this page answers requests for "
                    + HOSTS.describe() + " only; open it as http://127.0.0.1:PORT/\"}");
            ctx.skipRemainingHandlers();
        }
    }

    private void stop(Context ctx) {
        ctx.contentType("application/json");
        // A custom header makes a browser ask first (CORS preflight, which this server never grants),
        // so another site open in the same browser cannot press Stop with a plain form post.
        if (!"stop".equals(ctx.header(STOP_HEADER))) {
            ctx.status(403).result("{\"error\":\"POST /stop needs the header " + STOP_HEADER + ": stop (the page sends it)\"}");
            return;
        }
        if (trainingEnded) {
            try { // the answer goes out before convnet, woken by the latch, stops this server
                ctx.res().getOutputStream().write("{\"closing\":true}".getBytes(StandardCharsets.UTF_8));
                ctx.res().flushBuffer();
            } catch (IOException gone) {
                // the page left already: close all the same
            }
            closed.countDown();
        } else {
            stop.run();
            ctx.status(202).result("{\"stopping\":true}");
        }
    }

    private void events(Context ctx) throws IOException {
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        long last = lastEventId(ctx.header("Last-Event-ID"));
        OutputStream out = ctx.res().getOutputStream();
        out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        streams.incrementAndGet();
        try {
            long lastWrite = 0;
            while (true) {
                long early = lastWrite + WRITE_INTERVAL_MILLIS - System.currentTimeMillis();
                if (early > 0 && !feed.isClosed()) {
                    Thread.sleep(early); // events gather in the feed meanwhile and go out in one write
                }
                List<LiveFeed.Event> batch = feed.after(last, KEEP_ALIVE_MILLIS);
                if (batch.isEmpty() && feed.isClosed()) {
                    break; // every event, the run's end included, has gone out
                }
                if (batch.isEmpty()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    StringBuilder frames = new StringBuilder();
                    for (LiveFeed.Event e : batch) { // a late or slow page gets everything it missed in one write
                        frames.append(e.frame());
                    }
                    out.write(frames.toString().getBytes(StandardCharsets.UTF_8));
                    last = batch.get(batch.size() - 1).id();
                }
                out.flush();
                lastWrite = System.currentTimeMillis();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the page was closed: its thread ends here
        } finally {
            streams.decrementAndGet();
        }
    }

    private static long lastEventId(String header) {
        try {
            return header == null ? 0 : Math.max(0, Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static byte[] asset(String name) {
        try (InputStream in = LiveServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        feed.close();
        // let each open page receive the last events (how the run ended) before the server goes: bounded
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        while (streams.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
    }
}
