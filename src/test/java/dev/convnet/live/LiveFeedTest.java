package dev.convnet.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The feed between the training thread and the pages: never blocks the publisher, stays bounded, loses no epoch. */
class LiveFeedTest {

    @Test
    void aPageThatNeverReadsNeitherBlocksNorGrowsTheFeed() throws Exception {
        LiveFeed feed = new LiveFeed();
        CountDownLatch reading = new CountDownLatch(1);
        Thread stalled = new Thread(() -> { // a page that took one batch and then hung on its socket
            try {
                feed.after(0, 10_000);
                reading.countDown();
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                // ends with the test
            }
        });
        feed.publish("start", "{}");
        stalled.start();
        assertTrue(reading.await(10, TimeUnit.SECONDS));
        for (int epoch = 1; epoch <= 50; epoch++) {
            for (int step = 0; step < 2_000; step++) {
                feed.publish(LiveFeed.STEP, "{\"step\":" + step + "}");
            }
            feed.publish("epoch", "{\"epoch\":" + epoch + "}");
        }
        stalled.interrupt();
        assertTrue(feed.size() <= LiveFeed.MAX_EVENTS, "bounded: " + feed.size());
        List<LiveFeed.Event> all = feed.after(0, 0);
        assertEquals(50, all.stream().filter(e -> e.type().equals("epoch")).count()); // thinning drops step points only
        assertEquals("start", all.get(0).type());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).id() > all.get(i - 1).id(), "in order");
        }
        // the newest points are all there, the oldest are thinned
        assertEquals("{\"step\":1999}", all.get(all.size() - 2).json());
    }

    @Test
    void aPageResumesAfterTheLastEventItSaw() throws Exception {
        LiveFeed feed = new LiveFeed();
        for (int i = 0; i < 5; i++) {
            feed.publish(LiveFeed.STEP, "{\"i\":" + i + "}");
        }
        List<LiveFeed.Event> rest = feed.after(3, 0);
        assertEquals(List.of(4L, 5L), rest.stream().map(LiveFeed.Event::id).toList());
        assertEquals("id: 5\nevent: step\ndata: {\"i\":4}\n\n", rest.get(1).frame());
        assertTrue(feed.after(5, 50).isEmpty(), "nothing new: an empty batch after the wait, for a keep-alive");
        feed.close();
        long start = System.nanoTime();
        assertTrue(feed.after(5, 10_000).isEmpty());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "a closed feed wakes its pages at once");
    }
}
