package dev.convnet.interop;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.engine.Backend;
import dev.convnet.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The Keras fixtures made by scripts/make-keras-fixtures.py with real Keras 3 (src/test/resources/keras),
 * their Keras predictions on the first 100 test images, and how convnet predicts on them.
 */
final class KerasFixtures {
    static final Path DIR = Path.of("src/test/resources/keras");
    static final int IMAGES = 100;

    private KerasFixtures() {
    }

    static Path file(String name) {
        return DIR.resolve(name);
    }

    /** Keras' softmax on the first 100 test images, as the fixture script wrote it. */
    static float[][] kerasPredictions(String model) {
        try {
            List<String> rows = Files.readAllLines(DIR.resolve(model + ".predictions.csv"));
            float[][] p = new float[rows.size()][];
            for (int i = 0; i < p.length; i++) {
                String[] cells = rows.get(i).split(",");
                p[i] = new float[cells.length];
                for (int j = 0; j < cells.length; j++) {
                    p[i][j] = Float.parseFloat(cells[j]);
                }
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LabeledImages testImages(int count) {
        return new MnistLoader(TestData.mnist()).load(Split.TEST, count);
    }

    /** DL4J's own inference. */
    static float[][] dl4j(ComputationGraph graph, LabeledImages images) {
        return graph.outputSingle(false, images.images().get(NDArrayIndex.interval(0, images.size()))).toFloatMatrix();
    }

    /** Our oneDNN engine's inference (what evaluate, predict and serve use); fails if the engine refuses the graph. */
    static float[][] oneDnn(ComputationGraph graph, LabeledImages images) {
        return infer(Engine.ONEDNN, graph, images);
    }

    /** Inference on the backend {@code engine} opens for {@code graph} (AUTO: what evaluate, predict and serve use). */
    static float[][] infer(Engine engine, ComputationGraph graph, LabeledImages images) {
        try (Backend backend = engine.open(graph, Math.min(images.size(), 1000))) {
            float[][] out = new float[images.size()][];
            for (int from = 0; from < images.size(); from += 1000) {
                int to = Math.min(images.size(), from + 1000);
                float[][] part = backend.infer(images.pixels(), from, to);
                System.arraycopy(part, 0, out, from, part.length);
            }
            return out;
        }
    }

    static double maxAbsDifference(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new AssertionError("row counts differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new AssertionError("row " + i + " lengths differ");
            }
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}
