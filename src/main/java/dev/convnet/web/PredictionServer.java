package dev.convnet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code convnet serve}'s HTTP server: the JSON API, Prometheus metrics and the draw-a-digit page,
 * on Javalin (Jetty 12). Images are decoded and prepared on the request threads; the model runs
 * on one inference worker that batches whatever requests are waiting ({@link InferenceBatcher}).
 *
 * <p>Every error is a JSON {@code {"error": "..."}} with its status; stack traces are logged only
 * when the server runs verbose, never sent.
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    /** How long a request waits for its batch; far beyond any real batch, so only a stuck worker reaches it. */
    private static final long INFERENCE_TIMEOUT_SECONDS = 30;
    /** How long a stop waits for requests in flight. */
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final String JSON = "application/json";

    private final Classifier classifier;
    private final ServerSettings settings;
    private final ObjectMapper mapper = new ObjectMapper();
    private final InferenceBatcher batcher;
    private final ServerMetrics metrics;
    private final UploadDecoder decoder;
    private final Predictions predictions;
    private final Map<String, Asset> assets;
    private final byte[] modelDocument;
    private final Javalin app;
    private volatile boolean stopping;

    private record Asset(String contentType, byte[] bytes) {
    }

    private PredictionServer(Classifier classifier, ServerSettings settings) {
        this.classifier = classifier;
        this.settings = settings;
        this.metrics = new ServerMetrics(settings.maxBatch(), this::queueDepth);
        this.batcher = new InferenceBatcher(classifier, settings.maxBatch(), settings.queueCapacity(), metrics::batch);
        this.decoder = new UploadDecoder(settings.maxPixels(), settings.maxBodyBytes(),
                Math.max(2, Runtime.getRuntime().availableProcessors()));
        this.predictions = new Predictions(classifier.info().classNames());
        this.assets = Map.of(
                "/", new Asset("text/html; charset=utf-8", resource("index.html")),
                "/page.js", new Asset("text/javascript; charset=utf-8", resource("page.js")),
                "/page.css", new Asset("text/css; charset=utf-8", resource("page.css")));
        this.modelDocument = json(modelDocument(classifier.info()));
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize((int) settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.modifyServer(server -> {
                // Javalin attaches its servlet inside this handler: a stop then refuses new
                // connections and waits for the requests in flight before it closes anything.
                server.setHandler(new GracefulHandler());
                server.setStopTimeout(STOP_TIMEOUT_MILLIS);
                server.setErrorHandler(new JsonErrorHandler());
            });
            config.requestLogger.http((ctx, ms) -> metrics.request(ctx.method().name(), ctx.path(), ctx.statusCode(), ms));
            assets.forEach((path, asset) -> config.routes.get(path, ctx -> ctx.header("Cache-Control", "no-cache")
                    .contentType(asset.contentType()).result(asset.bytes())));
            config.routes.post("/predict", this::predict);
            config.routes.get("/health", this::health);
            config.routes.get("/model", ctx -> ctx.contentType(JSON).result(modelDocument));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            config.routes.exception(HttpProblem.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (settings.verbose()) {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                }
                error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); the server keeps serving");
            });
            config.routes.error(404, ctx -> error(ctx, 404,
                    "no such path: " + ctx.path() + " (try GET /, POST /predict, GET /health, /model or /metrics)"));
            config.routes.error(405, ctx -> error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path()
                    + (ctx.path().equals("/predict") ? "; send the image with POST" : "; use GET")));
        });
    }

    /** Starts serving {@code classifier} (already loaded and warmed up) as {@code settings} say. */
    public static PredictionServer start(Classifier classifier, ServerSettings settings) {
        PredictionServer server = new PredictionServer(classifier, settings);
        try {
            server.app.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            server.batcher.close();
            throw new ServerStartException(bindProblem(settings, e), e);
        }
        return server;
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
     * Stops gracefully: new connections are refused, requests in flight finish (up to 5 s), then
     * the inference worker drains its queue and stops.
     */
    @Override
    public void close() {
        stopping = true;
        app.stop();
        batcher.close();
    }

    private int queueDepth() {
        return batcher == null ? 0 : batcher.depth();
    }

    private void health(Context ctx) {
        if (stopping) {
            ctx.header("Retry-After", "5");
            error(ctx, 503, "the server is shutting down");
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>(); // a fixed key order people can read
        doc.put("status", "ok");
        doc.put("model", classifier.info().file());
        doc.put("engine", classifier.info().engine());
        ctx.contentType(JSON).result(json(doc));
    }

    private void predict(Context ctx) {
        boolean explain = ctx.queryParam("explain") != null && !"0".equals(ctx.queryParam("explain"));
        long declared = ctx.req().getContentLengthLong();
        if (declared > settings.maxBodyBytes()) {
            throw HttpProblem.tooLarge(tooLargeBody(declared));
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            List<byte[]> bodies = parts(ctx);
            List<float[]> inputs = new ArrayList<>();
            for (byte[] body : bodies) {
                inputs.add(prepare(body));
            }
            List<CompletableFuture<float[]>> results = new ArrayList<>();
            for (float[] input : inputs) {
                results.add(batcher.submit(input));
            }
            List<Map<String, Object>> docs = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                docs.add(predictions.document(await(results.get(i)), inputs.get(i), explain));
            }
            ctx.contentType(JSON).result(json(docs));
        } else {
            float[] input = prepare(body(ctx));
            ctx.contentType(JSON).result(json(predictions.document(await(batcher.submit(input)), input, explain)));
        }
    }

    private float[] prepare(byte[] body) {
        return decoder.prepare(body); // 422 when the picture has no digit
    }

    private byte[] body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes() + 1));
            if (bytes.length > settings.maxBodyBytes()) {
                throw HttpProblem.tooLarge(tooLargeBody(-1));
            }
            return bytes;
        } catch (IOException e) {
            // A client that stops sending (or a stop that will not wait for it) ends here; no internals in the answer.
            throw HttpProblem.badImage("the request body did not arrive completely; send it again");
        }
    }

    private List<byte[]> parts(Context ctx) {
        List<UploadedFile> files;
        try {
            files = ctx.uploadedFiles("image");
        } catch (Exception e) { // Jetty's parser throws ServletException (checked, yet undeclared) and runtime ones
            if (settings.verbose()) {
                LOG.info("multipart body refused", e);
            }
            throw overLimit(e) ? HttpProblem.tooLarge(tooLargeBody(-1))
                    : HttpProblem.badImage("malformed multipart/form-data body (" + firstLine(e)
                            + "); send one or more parts named 'image'");
        }
        if (files.isEmpty()) {
            throw HttpProblem.badImage("no 'image' part in the multipart/form-data body; name each picture's part 'image'");
        }
        if (files.size() > ServerSettings.MAX_IMAGES_PER_REQUEST) {
            throw HttpProblem.tooLarge("too many images: " + files.size() + " in one request, the limit is "
                    + ServerSettings.MAX_IMAGES_PER_REQUEST);
        }
        List<byte[]> bodies = new ArrayList<>();
        for (UploadedFile file : files) {
            try (InputStream in = file.content()) {
                bodies.add(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes())));
            } catch (IOException e) {
                throw HttpProblem.badImage("could not read an 'image' part (" + e.getMessage() + ")");
            }
        }
        return bodies;
    }

    /** Whether the multipart parser gave up because the body went over a size limit. */
    private static boolean overLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (text.contains("exceed") || text.contains("too large") || text.contains("too big")) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = text.indexOf('\n');
        text = nl < 0 ? text : text.substring(0, nl);
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    private static float[] await(CompletableFuture<float[]> result) {
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
            throw new IllegalStateException("inference failed", e.getCause());
        }
    }

    private String tooLargeBody(long declared) {
        return declared >= 0
                ? String.format(Locale.ROOT, "request body too large: %,d bytes, the limit is %,d bytes", declared, settings.maxBodyBytes())
                : String.format(Locale.ROOT, "request body too large: over the limit of %,d bytes", settings.maxBodyBytes());
    }

    private void error(Context ctx, int status, String message) {
        if (status == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(status).contentType(JSON).result(json(Map.of("error", message)));
    }

    private static Map<String, Object> modelDocument(ModelInfo info) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", info.file());
        doc.put("dataset", info.dataset());
        doc.put("class_names", info.classNames());
        doc.put("parameters", info.parameters());
        doc.put("test_accuracy", info.hasTestAccuracy() ? info.testAccuracy() : null);
        doc.put("engine", info.engine());
        doc.put("run", info.runRecord());
        return doc;
    }

    private byte[] json(Object document) {
        try {
            return mapper.writeValueAsBytes(document);
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
        String text = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
        if (text.toLowerCase(Locale.ROOT).contains("in use")) {
            return "port " + settings.port() + " on " + settings.host() + " is already in use; stop the other server or choose another with --port";
        }
        return "could not listen on " + settings.host() + ":" + settings.port() + " (" + text.strip() + ")";
    }
}
