package dev.convnet.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Dynamic batching, as inference servers do it: request threads put prepared images on a bounded
 * queue; one worker takes whatever is waiting (up to {@code maxBatch}) and runs it through the
 * model in one forward pass. Under light load a batch is one image and nobody waits for a timer;
 * under heavy load batches fill up, so throughput grows with concurrency. A full queue is refused
 * at once (the caller answers 503) instead of growing without bound.
 */
final class InferenceBatcher implements AutoCloseable {
    private record Job(float[] pixels, CompletableFuture<float[]> result) {
    }

    private final Classifier classifier;
    private final int maxBatch;
    private final BlockingQueue<Job> queue;
    private final IntConsumer batchListener;
    private final Thread worker;
    private volatile boolean accepting = true;

    InferenceBatcher(Classifier classifier, int maxBatch, int queueCapacity, IntConsumer batchListener) {
        this.classifier = classifier;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchListener = batchListener;
        this.worker = new Thread(this::work, "convnet-inference");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** The probabilities of one prepared image, once its batch has run; refuses at once when the queue is full. */
    CompletableFuture<float[]> submit(float[] pixels) {
        if (pixels.length != Classifier.PIXELS) {
            throw new IllegalArgumentException("expected " + Classifier.PIXELS + " pixels, got " + pixels.length);
        }
        Job job = new Job(pixels, new CompletableFuture<>());
        if (!accepting) {
            throw HttpProblem.overloaded("the server is shutting down");
        }
        if (!queue.offer(job)) {
            throw HttpProblem.overloaded("the server is busy (" + queue.size() + " images waiting); try again shortly");
        }
        return job.result();
    }

    int depth() {
        return queue.size();
    }

    private void work() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (accepting || !queue.isEmpty()) {
            try {
                Job first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        for (Job left = queue.poll(); left != null; left = queue.poll()) {
            left.result().completeExceptionally(HttpProblem.overloaded("the server is shutting down"));
        }
    }

    private void run(List<Job> batch) {
        int n = batch.size();
        float[] pixels = new float[n * Classifier.PIXELS];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).pixels(), 0, pixels, i * Classifier.PIXELS, Classifier.PIXELS);
        }
        try {
            float[][] probabilities = classifier.classify(pixels, n);
            batchListener.accept(n);
            for (int i = 0; i < n; i++) {
                batch.get(i).result().complete(probabilities[i]);
            }
        } catch (RuntimeException | Error e) { // one bad batch fails its requests, never the worker
            for (Job job : batch) {
                job.result().completeExceptionally(e);
            }
        }
    }

    /** Stops taking images, finishes those already queued, and stops the worker. */
    @Override
    public void close() {
        accepting = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
