package dev.convnet.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of one run, kept in order for every page that connects (a page opened mid-run
 * replays them all) and handed to each page's own thread as server-sent-event frames.
 *
 * <p>{@link #publish} never waits on a browser: it appends under a lock that a reader holds only
 * to copy references, never while writing to a socket. Memory is bounded: past {@link #MAX_EVENTS}
 * the older half of the per-step points is thinned to every other one (a slow or late page sees a
 * coarser early curve, never a stalled run).
 */
final class LiveFeed {
    static final int MAX_EVENTS = 20_000;
    static final String STEP = "step";

    /** One server-sent event: its sequence number (the SSE id), type and JSON data. */
    record Event(long id, String type, String json) {
        String frame() {
            return "id: " + id + "\nevent: " + type + "\ndata: " + json + "\n\n";
        }
    }

    private final List<Event> events = new ArrayList<>();
    private long next = 1;
    private boolean closed;

    synchronized void publish(String type, String json) {
        if (closed) {
            return;
        }
        if (events.size() >= MAX_EVENTS) {
            thinOlderSteps();
        }
        events.add(new Event(next++, type, json));
        notifyAll();
    }

    /**
     * The events after {@code lastId}, waiting up to {@code millis} for one when there are none.
     * Empty when the wait ran out (send a keep-alive) or the feed is closed.
     */
    synchronized List<Event> after(long lastId, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!closed && (events.isEmpty() || events.get(events.size() - 1).id() <= lastId)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return List.of();
            }
            wait(left);
        }
        int from = 0;
        int to = events.size();
        while (from < to) { // first index with id > lastId (ids ascend)
            int mid = (from + to) >>> 1;
            if (events.get(mid).id() <= lastId) {
                from = mid + 1;
            } else {
                to = mid;
            }
        }
        return List.copyOf(events.subList(from, events.size()));
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Wakes every page's thread so that it ends its stream. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized int size() {
        return events.size();
    }

    private void thinOlderSteps() {
        int half = events.size() / 2;
        List<Event> kept = new ArrayList<>(events.size());
        boolean drop = false;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (i < half && STEP.equals(e.type())) {
                drop = !drop;
                if (drop) {
                    continue;
                }
            }
            kept.add(e);
        }
        events.clear();
        events.addAll(kept);
    }
}
