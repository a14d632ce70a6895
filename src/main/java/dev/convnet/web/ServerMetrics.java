package dev.convnet.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics, kept by Micrometer: requests by path and status with a latency
 * histogram, the size and time of each inference batch, the depth of the inference queue, images served,
 * and the JVM's memory, threads and CPU.
 */
final class ServerMetrics {
    /**
     * Every label's value set is bounded, so no client can grow the registry (10,000 invented methods
     * once took 200 MB and a 16 MB scrape): methods outside HTTP's own, paths that matched no route and
     * statuses outside 100-599 are all counted as "other", and at most this many distinct route
     * templates are named.
     */
    private static final int MAX_PATHS = 64;
    static final String OTHER = "other";

    /** Histogram buckets a person can read: from 1 ms (one small image) to 10 s (a stuck request). */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final double[] batchLimits;
    private final Set<String> paths = ConcurrentHashMap.newKeySet();

    ServerMetrics(int maxBatch, IntSupplier queueDepth) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        batchLimits = powersOfTwo(maxBatch);
        Gauge.builder("convnet_inference_queue_depth", queueDepth::getAsInt)
                .description("Images waiting for the inference worker")
                .register(registry);
    }

    /**
     * Counts one request.
     *
     * @param method the method as the client sent it
     * @param route the route template the request matched (e.g. {@code /predict}), null when it matched none
     * @param status the status answered
     * @param milliseconds the time from request to answer
     */
    void request(String method, String route, int status, float milliseconds) {
        Timer.builder("convnet_http_requests")
                .description("HTTP requests by method, path and status, with their latency")
                .tag("method", method != null && FrontDoor.METHODS.contains(method) ? method : OTHER)
                .tag("path", path(route))
                .tag("status", status >= 100 && status <= 599 ? Integer.toString(status) : OTHER)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)
                .record((long) (milliseconds * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private String path(String route) {
        if (route == null || !route.startsWith("/")) {
            return OTHER;
        }
        if (paths.contains(route)) {
            return route;
        }
        synchronized (paths) {
            if (paths.size() < MAX_PATHS) {
                paths.add(route);
                return route;
            }
        }
        return OTHER;
    }

    /**
     * The meters of one served model's inference worker, labelled {@code model} with its name (the
     * names are the server's own, fixed at start: no client can add one).
     */
    InferenceWorker.BatchListener forModel(String model) {
        DistributionSummary batchSizes = DistributionSummary.builder("convnet_inference_batch_size")
                .description("Images in each forward pass of the inference worker")
                .tag("model", model)
                .serviceLevelObjectives(batchLimits)
                .register(registry);
        // Wall time of the worker's thread: while its forward passes run on one thread (below 8
        // cores, InferenceWorker.INFERENCE_THREADS), the sum over the server's CPU time is the share of
        // serving that is the network itself (HTTP, decoding and the picture preparation are the rest).
        Timer forwardPasses = Timer.builder("convnet_inference")
                .description("Forward passes of the inference worker, with their wall time")
                .tag("model", model)
                .register(registry);
        Counter images = Counter.builder("convnet_images_predicted").description("Images classified")
                .tag("model", model).register(registry);
        return (size, nanoseconds) -> {
            batchSizes.record(size);
            forwardPasses.record(nanoseconds, TimeUnit.NANOSECONDS);
            images.increment(size);
        };
    }

    /** Everything, in Prometheus' text exposition format. */
    String scrape() {
        return registry.scrape();
    }

    private static double[] powersOfTwo(int max) {
        int n = 32 - Integer.numberOfLeadingZeros(Math.max(1, max));
        double[] limits = new double[n];
        for (int i = 0; i < n; i++) {
            limits[i] = 1 << i;
        }
        return limits;
    }
}
