package dev.convnet.web;

import dev.convnet.platform.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns a served model, with dynamic batching as inference servers do it
 * (Triton's dynamic batcher): it opens the model ({@link ModelSource#open}) and warms up every
 * batch size before the server says it is ready; then request threads put prepared images on a
 * bounded queue, and it takes whatever is waiting (up to {@code maxBatch}), copies it once into
 * its batch and runs it in one forward pass. Under light load a batch is one image and nobody
 * waits for a timer; under heavy load batches fill up, so throughput grows with concurrency. A
 * full queue is refused at once (the caller answers 503) instead of growing without bound.
 *
 * <p>The engine's plans are built for powers of two up to {@code maxBatch} (oneDNN pads a batch
 * to the next one), so at most log2(maxBatch)+1 exist, all built in the warm-up.
 */
final class InferenceWorker implements AutoCloseable {
    /** Image {@code offset / PIXELS} of {@code pixels}, left where the request put it until its batch is formed. */
    private record Job(float[] pixels, int offset, CompletableFuture<float[]> result) {
    }

    /**
     * Threads a forward pass may use: one, on machines of up to 4 cores, a quarter of them above.
     * Served batches are small (a few images; 16 at most under 64 clients), and at that size oneDNN's
     * second thread waits more than it works: on 2 cores (AMD Zen 5) a batch of 1 took 0.11 ms on 2
     * threads and 0.05 ms on one, batches of 8 and 16 the same time either way (0.25 and 0.40 ms),
     * so 2 threads spent twice the CPU for nothing while the request threads, which decode and
     * prepare the pictures, needed the core. Set after the model is opened: opening builds the
     * full batch's plan, and oneDNN fixes most kernels' thread counts when it creates them, so a full
     * batch of 64 keeps every core (0.96 ms, against 1.2 on 2 threads throughout and 2.3 on one).
     */
    static final int INFERENCE_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);

    private final ModelSource source;
    private final int maxBatch;
    private final BlockingQueue<Job> queue;
    private final BatchListener batchListener;
    private final CompletableFuture<ModelInfo> opened = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean accepting = true;

    private InferenceWorker(ModelSource source, int maxBatch, int queueCapacity, BatchListener batchListener) {
        this.source = source;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchListener = batchListener;
        this.thread = new Thread(this::run, "convnet-inference");
        this.thread.setDaemon(true);
    }

    /**
     * A worker serving {@code source}, opened and warmed up on its thread.
     *
     * @param batchListener told the size and time of each forward pass the model ran
     * @throws RuntimeException whatever opening the model threw (e.g. IllegalArgumentException for
     *     a model that does not take 28x28 greyscale images), as it was thrown
     */
    static InferenceWorker start(ModelSource source, int maxBatch, int queueCapacity, BatchListener batchListener) {
        InferenceWorker worker = new InferenceWorker(source, maxBatch, queueCapacity, batchListener);
        worker.thread.start();
        try {
            worker.opened.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.close();
            throw new IllegalStateException("interrupted while the model was opening", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
        return worker;
    }

    /** The model served, as its classifier describes it. */
    ModelInfo info() {
        return opened.join();
    }

    /**
     * The probabilities of image {@code offset / PIXELS} of {@code pixels} once its batch has run;
     * refuses at once when the queue is full. The array is read when the batch forms: leave it unchanged.
     */
    CompletableFuture<float[]> submit(float[] pixels, int offset) {
        if (offset < 0 || offset + Classifier.PIXELS > pixels.length) {
            throw new IllegalArgumentException("no image of " + Classifier.PIXELS + " pixels at " + offset + " of " + pixels.length);
        }
        Job job = new Job(pixels, offset, new CompletableFuture<>());
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

    private void run() {
        Classifier classifier;
        try {
            classifier = source.open(maxBatch);
            NativeRuntime.setThreadsOfThisThread(INFERENCE_THREADS); // after open: see INFERENCE_THREADS
            warmUp(classifier);
        } catch (RuntimeException | Error e) {
            accepting = false;
            opened.completeExceptionally(e);
            return;
        }
        opened.complete(classifier.info());
        try {
            serve(classifier);
        } finally {
            classifier.close();
        }
    }

    private void warmUp(Classifier classifier) {
        try {
            for (int size = 1; size < maxBatch; size = size * 2) {
                classifier.classify(new float[size * Classifier.PIXELS], size);
            }
            classifier.classify(new float[maxBatch * Classifier.PIXELS], maxBatch);
        } catch (RuntimeException | Error e) {
            classifier.close();
            throw e;
        }
    }

    private void serve(Classifier classifier) {
        List<Job> jobs = new ArrayList<>(maxBatch);
        float[] batch = new float[maxBatch * Classifier.PIXELS];
        while (accepting || !queue.isEmpty()) {
            try {
                Job first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                jobs.add(first);
                queue.drainTo(jobs, maxBatch - 1);
                classify(classifier, jobs, batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                jobs.clear();
            }
        }
        for (Job left = queue.poll(); left != null; left = queue.poll()) {
            left.result().completeExceptionally(HttpProblem.overloaded("the server is shutting down"));
        }
    }

    private void classify(Classifier classifier, List<Job> jobs, float[] batch) {
        int n = jobs.size();
        for (int i = 0; i < n; i++) {
            Job job = jobs.get(i);
            System.arraycopy(job.pixels(), job.offset(), batch, i * Classifier.PIXELS, Classifier.PIXELS);
        }
        try {
            long start = System.nanoTime();
            float[][] probabilities = classifier.classify(batch, n);
            batchListener.ran(n, System.nanoTime() - start);
            for (int i = 0; i < n; i++) {
                jobs.get(i).result().complete(probabilities[i]);
            }
        } catch (RuntimeException | Error e) { // one bad batch fails its requests, never the worker
            for (Job job : jobs) {
                job.result().completeExceptionally(e);
            }
        }
    }

    /** Told of each forward pass the worker ran, on the worker's thread. */
    interface BatchListener {
        /**
         * @param images the batch's size
         * @param nanoseconds the forward pass's wall time (the engine's threads working for this thread)
         */
        void ran(int images, long nanoseconds);
    }

    /** Stops taking images, finishes those already queued, then closes the model and ends the thread. */
    @Override
    public void close() {
        accepting = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
