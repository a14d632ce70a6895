package dev.convnet.web;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that keeps sending a request's headers without finishing them (a byte every
 * few seconds stays under the idle timeout and holds the connection for hours). Jetty bounds the
 * headers' size and the silence between bytes, not their total time; this bounds that.
 *
 * <p>Once per period it looks at each connection: when in a whole period bytes arrived but no
 * request's headers completed, no answer went out, and no request is being handled, the bytes
 * were headers in the making, and the connection is closed. A client sends its headers in one
 * packet, so it never meets this; a stalled or trickling one is closed one to two periods in.
 */
final class SlowHeaderGuard implements Connection.Listener {
    private final Scheduler scheduler;
    private final long periodMillis;

    SlowHeaderGuard(Scheduler scheduler, long periodMillis) {
        this.scheduler = scheduler;
        this.periodMillis = periodMillis;
    }

    @Override
    public void onOpened(Connection connection) {
        schedule(connection, new Seen(0, 0, 0));
    }

    private record Seen(long requests, long answers, long bytes) {
        static Seen of(Connection c) {
            return new Seen(c.getMessagesIn(), c.getMessagesOut(), c.getBytesIn());
        }
    }

    private void schedule(Connection connection, Seen before) {
        scheduler.schedule(() -> check(connection, before), periodMillis, TimeUnit.MILLISECONDS);
    }

    private void check(Connection connection, Seen before) {
        if (!connection.getEndPoint().isOpen()) {
            return;
        }
        Seen now = Seen.of(connection);
        boolean idleBetweenRequests = now.requests() == now.answers();
        if (idleBetweenRequests && now.requests() == before.requests() && now.answers() == before.answers()
                && now.bytes() > before.bytes()) {
            connection.getEndPoint().close(new java.util.concurrent.TimeoutException("request headers too slow"));
            return;
        }
        schedule(connection, now);
    }
}
