package dev.convnet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.http.ConnectionLimit;
import dev.convnet.http.HostCheck;
import dev.convnet.http.JsonErrorHandler;
import dev.convnet.http.PublicPaths;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code convnet serve}'s HTTP server: the JSON API, Prometheus metrics and the draw-a-digit page,
 * on Javalin (Jetty 12). Images are decoded and prepared on the request threads; each model is
 * opened by, and runs on, its one inference worker, which batches whatever requests are waiting
 * ({@link InferenceWorker}).
 *
 * <p>Every error is a JSON {@code {"error": "..."}} with its status; stack traces are logged only
 * when the server runs verbose, never sent.
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    /** How long a request waits for its batch; far beyond any real batch, so only a stuck worker reaches it. */
    private static final long INFERENCE_TIMEOUT_SECONDS = 30;
    /**
     * Most open connections; beyond it Jetty stops accepting until some close (each slow one is
     * closed within its deadlines), /health's too. Half the process's file descriptors (the other half
     * for jars, native libraries and models), at most 10,000: at a fixed 1,000, 1,100 idle connections
     * from one client held /health back for 11 s. An idle connection costs Jetty a few kB.
     */
    static final int MAX_CONNECTIONS = ConnectionLimit.forThisProcess();
    /** Connections the kernel holds for Jetty to accept (capped by net.core.somaxconn, 4,096 on current kernels). */
    private static final int ACCEPT_QUEUE = 1_024;
    /** Most /predict requests handled at once; more wait (without a thread) in Jetty's QoSHandler, so slow bodies cannot take every thread from /health. */
    private static final int MAX_CONCURRENT_PREDICTS = Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
    private static final String JSON = "application/json";
    /** Jackson's mapper is thread-safe once configured, and this one is never configured. */
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Request attribute: a route answered with its own error (an unknown V2 model); status handlers leave it alone. */
    private static final String ANSWERED = "convnet.answered";
    /** The route a 405 was answered for: no endpoint matched the method, but one matched the path. */
    private static final String REFUSED_ROUTE = "convnet.refused-route";

    private final ModelInfo info;
    private final ServerSettings settings;
    /** Each model's worker by its name; the first also answers /predict. */
    private final Map<String, InferenceWorker> workers;
    private final InferenceWorker worker;
    private final ServerMetrics metrics;
    private final UploadDecoder decoder;
    private final RequestImages requestImages;
    private final Predictions predictions;
    private final Map<String, Asset> assets;
    private final byte[] modelDocument;
    private final Javalin app;
    private final OpenInferenceProtocol v2;
    private volatile boolean stopping;
    private Boolean stopped; // the first stop's outcome

    private record Asset(String contentType, byte[] bytes) {
    }

    private PredictionServer(List<NamedModel> models, ServerSettings settings, ServerTimeouts timeouts) {
        this.settings = settings;
        this.metrics = new ServerMetrics(settings.maxBatch(), this::queueDepth);
        this.workers = startWorkers(models, settings, metrics);
        this.worker = workers.values().iterator().next();
        this.info = worker.info();
        this.decoder = new UploadDecoder(settings.maxPixels(), settings.maxBodyBytes(),
                Math.max(2, Runtime.getRuntime().availableProcessors()), datasetOf(info));
        this.requestImages = new RequestImages(settings.maxBodyBytes(), settings.verbose(), timeouts);
        this.predictions = new Predictions(info.classNames());
        this.assets = Map.of(
                "/", new Asset("text/html; charset=utf-8", resource("index.html")),
                "/page.js", new Asset("text/javascript; charset=utf-8", resource("page.js")),
                "/page.css", new Asset("text/css; charset=utf-8", resource("page.css")));
        this.modelDocument = json(modelDocument(info));
        this.v2 = new OpenInferenceProtocol(workers, () -> !stopping, requestImages);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize((int) settings.maxBodyBytes(), SizeUnit.BYTES);
            // Our own connector, as Javalin's default one but for its listen backlog: Java's default of 50
            // dropped the connections of a burst beyond it, and their clients retried a second later (200
            // connections at once took 2 s, 1,100 took 12 s, while the server was idle)
            config.jetty.addConnector((server, http) -> {
                org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server,
                        new org.eclipse.jetty.server.HttpConnectionFactory(http));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                return connector;
            });
            config.jetty.modifyHttpConfiguration(http -> {
                // A blocked body read returns after this much silence; FrontDoor bounds the rate and total time.
                http.setIdleTimeout(timeouts.idleMillis());
            });
            config.jetty.modifyServer(server -> {
                // Javalin attaches its servlet inside the innermost of these handlers. GracefulHandler:
                // a stop refuses new connections and waits for the requests in flight.
                QoSHandler predicts = new QoSHandler();
                predicts.includeMethod("POST");
                predicts.setMaxRequestCount(MAX_CONCURRENT_PREDICTS);
                predicts.setMaxSuspend(Duration.ofMillis(timeouts.bodyDeadlineMillis()));
                server.setHandler(new GracefulHandler(new FrontDoor(HostCheck.of(settings.host(), settings.allowedHosts()),
                        timeouts, metrics::request, predicts)));
                server.setStopTimeout(timeouts.stopMillis());
                // a 503 of Jetty's own: QoSHandler's, a /predict request that waited its whole deadline for a turn
                server.setErrorHandler(new JsonErrorHandler("the server is busy (too many requests at once); try again shortly"));
                server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
            });
            config.requestLogger.http((ctx, ms) -> {
                if (!warmUpToken.equals(ctx.header(WARM_UP_HEADER))) { // our own start-up request is no client's
                    metrics.request(method(ctx), route(ctx), ctx.statusCode(), ms);
                }
            });
            // Before a route reads the body, its content type or a query parameter (each parses the charset);
            // once matched, so /metrics counts the 415 under its route
            config.routes.beforeMatched(RequestCharset::check);
            assets.forEach((path, asset) -> config.routes.get(path, ctx -> ctx.header("Cache-Control", "no-cache")
                    .contentType(asset.contentType()).result(asset.bytes())));
            config.routes.post("/predict", this::predict);
            config.routes.get("/health", this::health);
            config.routes.get("/model", ctx -> ctx.contentType(JSON).result(modelDocument));
            v2.register(config.routes);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            config.router.javaLangErrorHandler(JsonErrorHandler::answerJavaLangError);
            config.routes.exception(HttpProblem.class, (e, ctx) -> {
                ctx.attribute(ANSWERED, true);
                error(ctx, e.status(), e.getMessage());
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (e instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                    // Jetty's own refusal of a request (a body too slow, a malformed one): the client's problem, not ours
                    error(ctx, http.getCode(), "malformed or too slow request: " + RequestImages.firstLine(e));
                    return;
                }
                HttpProblem charset = RequestCharset.problem(e, "the request"); // a charset named where RequestCharset.check does not look
                if (charset != null) {
                    error(ctx, charset.status(), charset.getMessage());
                    return;
                }
                if (settings.verbose()) {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                }
                error(ctx, 500, JsonErrorHandler.internalError(e));
            });
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ANSWERED) == null) { // a route's own 404 (an unknown V2 model) says more
                    error(ctx, 404, "no such path: " + ctx.path() + " (try GET /, POST /predict, GET /health, /model, /metrics or /v2)");
                }
            });
            config.routes.error(405, ctx -> {
                // Javalin answers 405 only for a path some route has: outside /v2/models/{name} the routes
                // have no parameters, so the path is the route's own (in /metrics, GET /predict counts
                // under /predict, not "other")
                if (!ctx.path().startsWith("/v2/models/")) {
                    ctx.attribute(REFUSED_ROUTE, ctx.path());
                }
                // RFC 9110, 15.5.6: a 405 lists the methods the resource takes
                boolean predict = ctx.path().equals("/predict");
                boolean infer = ctx.path().startsWith("/v2/") && ctx.path().endsWith("/infer");
                ctx.header("Allow", predict || infer ? "POST" : "GET, HEAD");
                error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path() + (predict ? "; send the image with POST"
                        : infer ? "; send the inference request with POST" : "; use GET"));
            });
        });
    }

    /** Starts serving {@code model} as {@code settings} say, once its worker has opened it and warmed it up. */
    public static PredictionServer start(ModelSource model, ServerSettings settings) {
        return start(List.of(new NamedModel(NamedModel.nameOf(model.file()), model)), settings);
    }

    /**
     * Starts serving {@code models}, each opened and warmed up by a worker of its own: all of them
     * by name over the Open Inference Protocol ({@link OpenInferenceProtocol}), the first also on
     * {@code /predict}.
     *
     * @throws IllegalArgumentException for two models of one name, or a model that does not take 28x28 greyscale images
     * @throws ServerStartException when the server cannot listen as {@code settings} say
     */
    public static PredictionServer start(List<NamedModel> models, ServerSettings settings) {
        return start(models, settings, ServerTimeouts.DEFAULT);
    }

    /** {@link #start(ModelSource, ServerSettings)} with other timeouts (tests use short ones). */
    static PredictionServer start(ModelSource model, ServerSettings settings, ServerTimeouts timeouts) {
        return start(List.of(new NamedModel(NamedModel.nameOf(model.file()), model)), settings, timeouts);
    }

    static PredictionServer start(List<NamedModel> models, ServerSettings settings, ServerTimeouts timeouts) {
        PredictionServer server = new PredictionServer(models, settings, timeouts);
        try {
            server.app.start(settings.host(), settings.port());
            for (Connector connector : server.app.jettyServer().server().getConnectors()) {
                if (connector instanceof AbstractConnector c) {
                    c.setIdleTimeout(timeouts.idleMillis()); // silence while headers arrive
                    c.addBean(new SlowHeaderGuard(c.getScheduler(), timeouts.headerDeadlineMillis()));
                }
            }
        } catch (RuntimeException e) {
            server.workers.values().forEach(InferenceWorker::close);
            throw new ServerStartException(bindProblem(settings, e), e);
        }
        server.warmUpHttp();
        return server;
    }

    /** Marks {@link #warmUpHttp}'s request, with a value no client can guess, so /metrics does not count it. */
    private static final String WARM_UP_HEADER = "X-Convnet-Warm-Up";
    private final String warmUpToken = java.util.UUID.randomUUID().toString();

    /**
     * One request to ourselves before we say we serve: a cold JVM takes seconds (under load) to
     * load the classes of its first request, and a stop in that time would refuse a request
     * that had already arrived.
     */
    private void warmUpHttp() {
        String host = settings.host();
        try {
            InetAddress address = InetAddress.getByName(host);
            try (Socket socket = new Socket(address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address, port())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: localhost\r\n" + WARM_UP_HEADER + ": " + warmUpToken
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getInputStream().readAllBytes();
            }
        } catch (IOException e) {
            if (settings.verbose()) {
                LOG.info("HTTP warm-up failed", e);
            }
        }
    }

    /** How long {@link #stop} waits for the requests in flight, in seconds. */
    public static long stopWaitSeconds() {
        return ServerTimeouts.DEFAULT.stopMillis() / 1000;
    }

    public int port() {
        return app.port();
    }

    /** The address people open, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port() + "/";
    }

    /**
     * Stops gracefully: new connections are refused, requests in flight finish (up to
     * {@link ServerTimeouts#stopMillis}: a body's deadline plus the model's answer), then
     * the inference worker drains its queue and stops. Requests still running then are cut off.
     *
     * @return whether every request in flight finished
     */
    public synchronized boolean stop() {
        if (stopped != null) {
            return stopped;
        }
        stopping = true;
        boolean finished = true;
        try {
            app.stop();
        } catch (RuntimeException e) { // Jetty's TimeoutException, wrapped by Javalin: some requests outlived the wait
            finished = false;
            if (settings.verbose()) {
                LOG.warn("stop timed out", e);
            }
        } finally {
            workers.values().forEach(InferenceWorker::close);
        }
        stopped = finished;
        return finished;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Begins a stop: /health and the readiness probes say not ready from now on, while requests
     * are still served, so that a balancer stops sending before {@link #close} refuses connections.
     */
    public void stopBeingReady() {
        stopping = true;
    }

    /** The first model, as its classifier describes it. */
    public ModelInfo modelInfo() {
        return info;
    }

    /** One worker per model, each model opened and warmed up; those already started are closed when one fails. */
    private static Map<String, InferenceWorker> startWorkers(List<NamedModel> models, ServerSettings settings,
                                                             ServerMetrics metrics) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (NamedModel model : models) {
            if (!names.add(model.name())) {
                throw new IllegalArgumentException("two models are named '" + model.name() + "'; each needs its own name");
            }
        }
        Map<String, InferenceWorker> workers = new LinkedHashMap<>();
        try {
            for (NamedModel model : models) {
                workers.put(model.name(), InferenceWorker.start(model.source(), settings.maxBatch(), settings.queueCapacity(),
                        metrics.forModel(model.name())));
            }
        } catch (RuntimeException | Error e) {
            workers.values().forEach(InferenceWorker::close);
            throw e;
        }
        return workers;
    }

    private int queueDepth() {
        return worker == null ? 0 : worker.depth();
    }

    private void health(Context ctx) {
        if (stopping) {
            ctx.header("Retry-After", "5");
            error(ctx, 503, "the server is shutting down");
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>(); // a fixed key order people can read
        doc.put("status", "ok");
        doc.put("model", PublicPaths.strip(info.file()));
        doc.put("engine", info.engine());
        ctx.contentType(JSON).result(json(doc));
    }

    private void predict(Context ctx) {
        answeringOutOfMemoryAsOverloaded(() -> answerPredict(ctx));
    }

    /**
     * Runs a route's answer; an OutOfMemoryError in it (one request's pictures or tensor did not fit)
     * becomes a 503 saying what to do: the memory is free again once the request ends, so the
     * server keeps serving. Used by /predict and the Open Inference Protocol's infer.
     */
    static void answeringOutOfMemoryAsOverloaded(Runnable answer) {
        try {
            answer.run();
        } catch (OutOfMemoryError e) {
            throw HttpProblem.overloaded("out of memory for this request; send a smaller picture or fewer at once, "
                    + "or start the server with more heap (-Xmx)");
        }
    }

    private void answerPredict(Context ctx) {
        boolean explain = QueryFlag.parse("explain", ctx.queryParams("explain"));
        RequestImages.Images images = requestImages.read(ctx);
        if (images.list()) {
            // One picture's problem (not an image, no digit, too many pixels) is that picture's answer,
            // in its place, so the others' predictions are not lost (as batch APIs such as Google
            // Cloud Vision's annotate answer); a problem of the request as a whole stays its status.
            List<float[]> inputs = new ArrayList<>();
            List<HttpProblem> problems = new ArrayList<>();
            for (RequestImages.Picture picture : images.images()) {
                try {
                    inputs.add(prepare(picture.bytesOrThrow()));
                    problems.add(null);
                } catch (HttpProblem problem) {
                    if (!problem.aboutOnePicture()) {
                        throw problem;
                    }
                    inputs.add(null);
                    problems.add(problem);
                }
            }
            List<CompletableFuture<float[]>> results = new ArrayList<>();
            for (float[] input : inputs) {
                results.add(input == null ? null : worker.submit(input, 0));
            }
            List<Map<String, Object>> docs = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                docs.add(problems.get(i) != null ? pictureError(problems.get(i))
                        : predictions.document(await(results.get(i)), inputs.get(i), explain));
            }
            ctx.contentType(JSON).result(json(docs));
        } else {
            float[] input = prepare(images.images().get(0).bytesOrThrow());
            ctx.contentType(JSON).result(json(predictions.document(await(worker.submit(input, 0)), input, explain)));
        }
    }

    /** The dataset /predict's pictures are prepared for; MNIST's digits for a model whose record names none convnet knows. */
    private static dev.convnet.data.Dataset datasetOf(ModelInfo info) {
        try {
            return dev.convnet.data.Dataset.fromId(info.dataset());
        } catch (IllegalArgumentException | NullPointerException e) {
            return dev.convnet.data.Dataset.MNIST;
        }
    }

    /** A picture's place in a batch answer when it has no prediction: {@code {"error", "status"}}, the status it would have alone. */
    private static Map<String, Object> pictureError(HttpProblem problem) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", problem.getMessage());
        doc.put("status", problem.status());
        return doc;
    }

    /** The method as the client sent it (FrontDoor hands HEAD to the routes as GET). */
    private static String method(Context ctx) {
        Object sent = ctx.req().getAttribute(FrontDoor.METHOD_ATTRIBUTE);
        return sent instanceof String s ? s : ctx.req().getMethod();
    }

    /** The route template the request matched, null when none did: the metrics' bounded path label. */
    private static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint != null ? endpoint.path : ctx.attribute(REFUSED_ROUTE);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private float[] prepare(byte[] body) {
        return decoder.prepare(body); // 422 when the picture has no digit
    }

    /** A batched answer, or the HTTP problem that stands for its failure (503 on a timeout or a stop). */
    static float[] await(CompletableFuture<float[]> result) {
        try {
            return result.get(INFERENCE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw HttpProblem.overloaded("no answer from the model within " + INFERENCE_TIMEOUT_SECONDS + " s; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpProblem.overloaded("the server is shutting down");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpProblem problem) {
                throw problem;
            }
            if (e.getCause() instanceof OutOfMemoryError oom) {
                throw oom;
            }
            throw new IllegalStateException("inference failed", e.getCause());
        }
    }

    private void error(Context ctx, int status, String message) {
        if (status == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(status).contentType(JSON).result(json(Map.of("error", message)));
    }

    private static Map<String, Object> modelDocument(ModelInfo info) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", PublicPaths.strip(info.file()));
        doc.put("dataset", info.dataset());
        doc.put("class_names", info.classNames());
        doc.put("parameters", info.parameters());
        doc.put("test_accuracy", info.hasTestAccuracy() ? info.testAccuracy() : null);
        doc.put("engine", info.engine());
        doc.put("run", PublicPaths.strip(info.runRecord())); // the command as typed holds -o's absolute path
        return doc;
    }

    /** {@code document} (maps, lists, strings, numbers, arrays) as a JSON body. */
    static byte[] json(Object document) {
        try {
            return MAPPER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = PredictionServer.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the page's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bindProblem(ServerSettings settings, RuntimeException e) {
        Optional<String> address = BindAddress.problem(settings.host());
        if (address.isPresent()) {
            return address.get();
        }
        // Javalin says "port already in use" for any failed bind: read the JDK's own reason instead.
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof BindException bind && BindAddress.isInUse(bind)) {
                return BindAddress.portInUse(settings.host(), settings.port());
            }
            if (t instanceof BindException || t instanceof SocketException) {
                return "could not listen on " + settings.host() + ":" + settings.port() + " (" + t.getMessage() + ")";
            }
        }
        String text = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
        return "could not listen on " + settings.host() + ":" + settings.port() + " (" + text.strip() + ")";
    }
}
