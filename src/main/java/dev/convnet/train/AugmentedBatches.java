package dev.convnet.train;

import dev.convnet.data.LabeledImages;
import dev.convnet.data.augment.Augmentation;
import dev.convnet.data.augment.Augmenter;
import dev.convnet.engine.Batch;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One epoch's augmented batches, made on a producer thread of their own while the training thread
 * runs steps: the producer fills up to {@link #DEPTH} batches ahead into a bounded queue, so a step
 * finds its batch ready and memory stays at {@code DEPTH + 2} batches whatever the epoch's length.
 *
 * <p>Batches come in the epoch's shuffled order, and every random draw comes from one stream
 * seeded by the run's seed and the epoch number, drawn on the one producer thread in batch order:
 * the same seed gives the same pictures, however the two threads are scheduled.
 */
final class AugmentedBatches implements AutoCloseable {
    /** Batches made ahead of the step that will use them. */
    static final int DEPTH = 4;

    private final LabeledImages data;
    private final int[] order;
    private final int batchSize;
    private final BlockingQueue<LabeledImages> free = new ArrayBlockingQueue<>(DEPTH + 1);
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(DEPTH + 2);
    private final Thread producer;
    private final int[] identity;
    private LabeledImages inUse;
    private long waitedNanos;
    private volatile long producerCpuNanos;

    /** Starts producing the batches {@code order[0..batchSize)}, {@code order[batchSize..2·batchSize)}, ... of {@code data}. */
    AugmentedBatches(LabeledImages data, int[] order, int batchSize, Augmentation augmentation, long streamSeed) {
        this.data = data;
        this.order = order;
        this.batchSize = batchSize;
        long[] shape = data.images().shape(); // [n, c, h, w]
        int pixels = (int) (shape[1] * shape[2] * shape[3]);
        for (int i = 0; i < DEPTH + 1; i++) { // DEPTH ahead and the one in use
            free.add(new LabeledImages(Nd4j.create(DataType.FLOAT, batchSize, shape[1], shape[2], shape[3]),
                    Nd4j.create(DataType.FLOAT, batchSize, 1), new int[batchSize]));
        }
        identity = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            identity[i] = i;
        }
        Augmenter augmenter = new Augmenter(augmentation, (int) shape[2], (int) shape[3]);
        int channels = (int) shape[1];
        producer = new Thread(() -> produce(augmenter, channels, pixels, new SplittableRandom(streamSeed)), "augmentation");
        producer.setDaemon(true);
        producer.start();
    }

    /**
     * The next batch, blocking until the producer has it; the batch before it goes back to the
     * producer for reuse, so use one batch at a time.
     *
     * @throws IllegalStateException when the producer failed (with its exception as the cause)
     */
    Batch next() {
        if (inUse != null) {
            free.add(inUse);
            inUse = null;
        }
        Object item;
        long start = System.nanoTime();
        try {
            item = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an augmented batch", e);
        }
        waitedNanos += System.nanoTime() - start;
        if (item instanceof Throwable failure) {
            throw new IllegalStateException("augmentation failed: " + failure.getMessage(), failure);
        }
        Filled filled = (Filled) item;
        inUse = filled.images();
        return new Batch(filled.images(), identity, 0, filled.count());
    }

    /** Seconds the training thread has waited for batches so far: near 0 when augmentation keeps ahead. */
    double waitedSeconds() {
        return waitedNanos / 1e9;
    }

    /**
     * CPU seconds the producer thread has used so far (augmenting, and filling the batches the plain
     * path fills on the training thread): what augmentation takes from training on a machine whose
     * cores training keeps busy, without the noise of the epoch's wall time. 0 where the JVM cannot
     * measure a thread's CPU time.
     */
    double producerCpuSeconds() {
        return producerCpuNanos / 1e9;
    }

    private record Filled(LabeledImages images, int count) {
    }

    private void produce(Augmenter augmenter, int channels, int pixels, SplittableRandom random) {
        FloatBuffer source = data.pixels();
        int plane = pixels / channels;
        float[] in = new float[pixels];
        float[] out = new float[batchSize * pixels];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean timed = threads.isCurrentThreadCpuTimeSupported();
        long cpuAtStart = timed ? threads.getCurrentThreadCpuTime() : 0;
        try {
            for (int from = 0; from < order.length; from += batchSize) {
                int count = Math.min(batchSize, order.length - from);
                LabeledImages target = free.take();
                for (int i = 0; i < count; i++) {
                    int row = order[from + i];
                    source.get(row * pixels, in);
                    for (int c = 0; c < channels; c++) {
                        augmenter.apply(in, c * plane, out, i * pixels + c * plane, random);
                    }
                    target.classes()[i] = data.classes()[row];
                    target.labels().putScalar(i, 0, data.classes()[row]);
                }
                target.pixels().put(0, out, 0, count * pixels);
                producerCpuNanos = timed ? threads.getCurrentThreadCpuTime() - cpuAtStart : 0;
                ready.put(new Filled(target, count));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed before the epoch's end: nothing more to make
        } catch (RuntimeException | Error e) {
            ready.offer(e); // a slot is always free: the producer holds one batch less than the queue takes
        }
    }

    /** Stops the producer (if it is still running) and waits for it. */
    @Override
    public void close() {
        producer.interrupt();
        try {
            producer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
