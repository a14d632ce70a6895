package dev.convnet.web;

import dev.convnet.platform.Versions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The Open Inference Protocol over HTTP/REST (KServe's "Predict Protocol - Version 2", also
 * Triton's HTTP API), next to the server's own endpoints:
 * <pre>
 * GET  /v2/health/live            200 while the process serves
 * GET  /v2/health/ready           200 when every model is ready; 400 once a stop has begun (the spec's 4xx)
 * GET  /v2                        server metadata {name, version, extensions}
 * GET  /v2/models/{name}[/versions/1]          model metadata: input FP32 [-1, 1, 28, 28], output FP32 [-1, 10]
 * GET  /v2/models/{name}[/versions/1]/ready    200, or 400 once a stop has begun
 * POST /v2/models/{name}[/versions/1]/infer    see {@link InferenceRequest}
 * </pre>
 * Health answers have empty bodies, as the spec says; errors are {@code {"error": "..."}} with 400
 * (bad request), 404 (no such model or version), 413 (too large) or 503 (busy or stopping).
 * Every image goes through its model's {@link InferenceWorker}, the same dynamic batching as
 * {@code POST /predict}.
 */
final class OpenInferenceProtocol {
    /** The one version of each model; versions are separate files served under separate names. */
    static final String VERSION = "1";
    private static final String JSON = "application/json";

    private final Map<String, Served> models = new LinkedHashMap<>();
    private final BooleanSupplier ready;
    /** Reads request bodies as /predict does: the same limit, deadlines and messages. */
    private final RequestImages bodies;

    private record Served(String name, InferenceWorker worker, byte[] metadata) {
    }

    /**
     * @param workers each served model's inference worker, by its name (the server owns and closes them)
     * @param ready false once the server has begun to stop: readiness then answers 400 while
     *     requests are still served, so balancers stop sending before connections are refused
     * @param bodies reads each request's body (its size limit and deadlines)
     */
    OpenInferenceProtocol(Map<String, InferenceWorker> workers, BooleanSupplier ready, RequestImages bodies) {
        this.ready = ready;
        this.bodies = bodies;
        workers.forEach((name, worker) ->
                models.put(name, new Served(name, worker, PredictionServer.json(metadata(name, worker.info())))));
    }

    void register(RoutesConfig routes) {
        routes.get("/v2/health/live", ctx -> ctx.status(200));
        routes.get("/v2/health/ready", ctx -> ctx.status(ready.getAsBoolean() ? 200 : 400));
        routes.get("/v2", ctx -> ctx.contentType(JSON).result(PredictionServer.json(serverMetadata())));
        for (String versioned : new String[] {"", "/versions/{version}"}) {
            String base = "/v2/models/{name}" + versioned;
            routes.get(base, ctx -> ctx.contentType(JSON).result(served(ctx).metadata()));
            routes.get(base + "/ready", ctx -> {
                served(ctx);
                ctx.status(ready.getAsBoolean() ? 200 : 400);
            });
            routes.post(base + "/infer", ctx -> PredictionServer.answeringOutOfMemoryAsOverloaded(() -> infer(ctx)));
        }
    }

    private void infer(Context ctx) {
        Served served = served(ctx);
        if (ctx.header("Inference-Header-Content-Length") != null) {
            throw HttpProblem.badImage("the binary tensor data extension is not supported; send the tensor as JSON \"data\"");
        }
        InferenceRequest request = InferenceRequest.parse(bodies.bytes(ctx), PredictionServer.MAPPER, ServerSettings.MAX_IMAGES_PER_REQUEST);
        List<CompletableFuture<float[]>> results = new ArrayList<>(request.count());
        for (int i = 0; i < request.count(); i++) {
            results.add(served.worker().submit(request.pixels(), i * Classifier.PIXELS));
        }
        float[][] probabilities = new float[request.count()][];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = PredictionServer.await(results.get(i)); // the same waiting, statuses and out-of-memory answer as /predict
        }
        ctx.contentType(JSON).result(PredictionServer.json(InferenceRequest.response(served.name(), VERSION, request.id(), probabilities)));
    }

    /** The model the path names, or a 404 that lists the ones served. */
    private Served served(Context ctx) {
        String name = ctx.pathParam("name");
        Served served = models.get(name);
        if (served == null) {
            throw new HttpProblem(404, "no model named '" + name + "'; this server has " + String.join(", ", models.keySet()));
        }
        String version = ctx.pathParamMap().get("version");
        if (version != null && !version.equals(VERSION)) {
            throw new HttpProblem(404, "model '" + name + "' has no version '" + version + "'; it has version " + VERSION);
        }
        return served;
    }

    private static Map<String, Object> serverMetadata() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "convnet");
        doc.put("version", Versions.convnet());
        doc.put("extensions", List.of());
        return doc;
    }

    private static Map<String, Object> metadata(String name, ModelInfo info) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", name);
        doc.put("versions", List.of(VERSION));
        doc.put("platform", "deeplearning4j_computationgraph");
        doc.put("inputs", List.of(tensor(InferenceRequest.INPUT, List.of(-1, 1, 28, 28))));
        doc.put("outputs", List.of(tensor(InferenceRequest.OUTPUT, List.of(-1, info.classNames().size()))));
        // Beyond the spec's fields (servers may add their own): what the classes are and how good the model is.
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("dataset", info.dataset());
        parameters.put("class_names", String.join(",", info.classNames()));
        if (info.hasTestAccuracy()) {
            parameters.put("test_accuracy", info.testAccuracy());
        }
        parameters.put("input_also", "FP32 or UINT8 (0-255), shape [-1, 784]");
        doc.put("parameters", parameters);
        return doc;
    }

    private static Map<String, Object> tensor(String name, List<Integer> shape) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", name);
        doc.put("datatype", "FP32");
        doc.put("shape", shape);
        return doc;
    }
}
