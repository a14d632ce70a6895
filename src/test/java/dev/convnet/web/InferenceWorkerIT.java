package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.convnet.app.LoadedModel;
import dev.convnet.app.SavedModels;
import dev.convnet.data.LabeledImages;
import dev.convnet.engine.Engine;
import dev.convnet.model.ModelStore;
import dev.convnet.platform.NativeRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server's inference worker on a real model: one thread opens the model and runs every batch
 * (the oneDNN engine's plans run only there), whichever threads submit the images, and each
 * image's answer is the model's answer for that image, in whatever batch it ran.
 */
class InferenceWorkerIT {
    private static final int IMAGES = 48;

    @Test
    void oneThreadOpensTheModelAndRunsEveryBatchForManySubmittingThreads() throws Exception {
        LoadedModel model = new SavedModels(new ModelStore()).load(ServedModel.file());
        ThreadRecordingSource source = new ThreadRecordingSource(PredictorClassifier.source(model, Engine.AUTO));
        LabeledImages test = ServedModel.testImages(IMAGES);
        float[] pixels = new float[IMAGES * Classifier.PIXELS];
        test.pixels().get(0, pixels);

        float[][] expected;
        try (Classifier direct = PredictorClassifier.open(model, Engine.AUTO, 1)) {
            expected = new float[IMAGES][];
            for (int i = 0; i < IMAGES; i++) {
                float[] one = new float[Classifier.PIXELS];
                System.arraycopy(pixels, i * Classifier.PIXELS, one, 0, Classifier.PIXELS);
                expected[i] = direct.classify(one, 1)[0];
            }
        }

        List<Integer> batches = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (InferenceWorker worker = InferenceWorker.start(source, 16, 256, (n, nanoseconds) -> batches.add(n))) {
            List<Future<float[]>> answers = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                int image = i;
                answers.add(clients.submit(() -> PredictionServer.await(worker.submit(pixels, image * Classifier.PIXELS))));
            }
            for (int i = 0; i < IMAGES; i++) {
                float[] answer = answers.get(i).get(60, TimeUnit.SECONDS);
                // the same network on the same image; another batch size may take another kernel that sums in
                // another order: float32 rounding (1.2e-7 a term) over the longest sum (3x3x64 = 576 terms) stays under 1e-4
                assertArrayEquals(expected[i], answer, 1e-4f, "image " + i);
            }
        } finally {
            clients.shutdownNow();
        }
        assertEquals(IMAGES, batches.stream().mapToInt(Integer::intValue).sum(), "every image in exactly one batch: " + batches);
        assertEquals(1, source.threads.size(), "threads that used the model: " + source.threads);
        Thread owner = source.threads.iterator().next();
        assertEquals("convnet-inference", owner.getName());
        // the worker narrows its forward passes to INFERENCE_THREADS (1 on up to 4 cores), this thread keeps its own
        assertEquals(Set.of(InferenceWorker.INFERENCE_THREADS), source.parallelism, "threads a forward pass could use");
        assertFalse(owner.isAlive(), "the worker ends when closed");
    }

    @Test
    void aModelThatCannotBeOpenedFailsTheStartWithItsOwnException() {
        ModelSource broken = new ModelSource() {
            @Override
            public Path file() {
                return Path.of("broken.zip");
            }

            @Override
            public Classifier open(int maxBatch) {
                throw new IllegalArgumentException("broken.zip takes 32x32 images; the server prepares 28x28 greyscale ones");
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceWorker.start(broken, 8, 16, (n, nanoseconds) -> { }));
        assertEquals("broken.zip takes 32x32 images; the server prepares 28x28 greyscale ones", e.getMessage());
    }

    /** A real model source that notes every thread that opens or runs the model. */
    private static final class ThreadRecordingSource implements ModelSource {
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        /** The OpenMP threads each forward pass could use, as the worker's thread had them set. */
        final Set<Integer> parallelism = ConcurrentHashMap.newKeySet();
        private final ModelSource real;

        ThreadRecordingSource(ModelSource real) {
            this.real = real;
        }

        @Override
        public Path file() {
            return real.file();
        }

        @Override
        public Classifier open(int maxBatch) {
            threads.add(Thread.currentThread());
            Classifier opened = real.open(maxBatch);
            return new Classifier() {
                @Override
                public float[][] classify(float[] pixels, int count) {
                    threads.add(Thread.currentThread());
                    parallelism.add(NativeRuntime.threadsOfThisThread());
                    return opened.classify(pixels, count);
                }

                @Override
                public ModelInfo info() {
                    return opened.info();
                }

                @Override
                public void close() {
                    threads.add(Thread.currentThread());
                    opened.close();
                }
            };
        }
    }
}
