package dev.convnet.web;

/**
 * How long the server waits for clients, so that slow or stalled ones cannot hold its threads and
 * connections (a body trickled at a byte a second, headers sent a byte at a time).
 *
 * @param idleMillis longest silence while a request (headers or body) arrives, in ms; then the connection closes
 * @param minRequestDataRate slowest body accepted, in bytes per second averaged from the start of its reading (408 below it)
 * @param rateGraceMillis how long a body may lag behind that rate at first, in ms, so a short pause in a small body is no fault
 * @param headerDeadlineMillis longest a connection may keep sending a request's headers without completing them, in ms
 *     (checked once per this period, so a connection is closed between one and two periods in)
 * @param bodyDeadlineMillis longest from a request's headers to the last byte of its body, in ms (408 beyond)
 * @param stopMillis how long a stop waits for the requests in flight, in ms
 */
record ServerTimeouts(long idleMillis, long minRequestDataRate, long rateGraceMillis, long headerDeadlineMillis,
                      long bodyDeadlineMillis, long stopMillis) {
    /** A 5 MB body needs 5 s at 1 MB/s; 30 s leaves room for slow links, and a stop can wait that long plus the model's answer. */
    static final ServerTimeouts DEFAULT = new ServerTimeouts(10_000, 1024, 2_000, 10_000, 30_000, 45_000);

    /** The 408 message: what the client must do. */
    String slowBodyMessage() {
        return "request body too slow: it must arrive within " + bodyDeadlineMillis / 1000 + " s, at "
                + minRequestDataRate + " bytes/s or faster, without a pause of " + idleMillis / 1000 + " s";
    }

    /** Whether {@code bytes} read {@code elapsedNanos} after a body's reading began are too few. */
    boolean tooSlow(long bytes, long elapsedNanos) {
        long lagging = elapsedNanos - rateGraceMillis * 1_000_000L;
        return minRequestDataRate > 0 && lagging > 0 && bytes < minRequestDataRate * (lagging / 1_000_000L) / 1000;
    }
}
