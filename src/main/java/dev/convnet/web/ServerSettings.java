package dev.convnet.web;

import dev.convnet.http.HostCheck;
import java.util.List;

/**
 * How the server listens and how much it accepts.
 *
 * @param host the address to bind (127.0.0.1 unless told otherwise)
 * @param port the port; 0 picks a free one
 * @param maxBatch the most images one forward pass takes
 * @param queueCapacity the most images waiting for the inference worker; beyond it requests get 503
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param maxPixels the most pixels (width x height) an image may declare (413 beyond; never decoded)
 * @param verbose whether unexpected errors are logged with their stack trace
 * @param allowedHosts Host header names accepted besides the loopback ones ({@code *}: any); when the
 *     list is empty and the server is bound to a loopback address, only loopback names are accepted
 *     (DNS-rebinding defence, see {@link HostCheck})
 */
public record ServerSettings(String host, int port, int maxBatch, int queueCapacity, long maxBodyBytes, long maxPixels,
                             boolean verbose, List<String> allowedHosts) {
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 64;
    public static final int DEFAULT_QUEUE = 256;
    public static final long DEFAULT_MAX_BODY_BYTES = 5L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096;
    /** Images in one multipart request: enough for any page of pictures, few enough to bound one request's work. */
    static final int MAX_IMAGES_PER_REQUEST = 100;

    public ServerSettings {
        allowedHosts = List.copyOf(allowedHosts);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host is empty; give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)");
        }
        if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // [::1], as written in URLs: the address is ::1
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (maxBatch < 1 || maxBatch > 1024) {
            throw new IllegalArgumentException("--max-batch must be between 1 and 1024, got " + maxBatch);
        }
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("--queue must be between 1 and 1000000, got " + queueCapacity);
        }
        if (maxBodyBytes < 1024 || maxBodyBytes > 1L << 30) {
            throw new IllegalArgumentException("--max-body-bytes must be between 1024 and 1073741824, got " + maxBodyBytes);
        }
        if (maxPixels < 784 || maxPixels > 100_000_000L) {
            throw new IllegalArgumentException("--max-pixels must be between 784 and 100000000, got " + maxPixels);
        }
    }

    /** Settings that accept only loopback Host names when bound to loopback. */
    public ServerSettings(String host, int port, int maxBatch, int queueCapacity, long maxBodyBytes, long maxPixels,
                          boolean verbose) {
        this(host, port, maxBatch, queueCapacity, maxBodyBytes, maxPixels, verbose, List.of());
    }

    /** The defaults, on 127.0.0.1 and the given port. */
    public static ServerSettings defaults(int port) {
        return new ServerSettings("127.0.0.1", port, DEFAULT_MAX_BATCH, DEFAULT_QUEUE, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_PIXELS, false);
    }
}
