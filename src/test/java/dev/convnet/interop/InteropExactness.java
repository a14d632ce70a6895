package dev.convnet.interop;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.convnet.data.LabeledImages;
import dev.convnet.model.ModelStore;
import dev.convnet.platform.NativeRuntime;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The exactness figures of the interop directions over all 10,000 MNIST test images (for the
 * README and the report; the tests use 100 images). Not a test: run by scripts/interop-exactness.
 *
 * <pre>InteropExactness KERAS_FILE... --export CONVNET_MODEL.zip --work DIR</pre>
 */
public final class InteropExactness {
    private static final int IMAGES = 10_000;

    private InteropExactness() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> kerasFiles = new ArrayList<>();
        Path export = null;
        Path work = Path.of("target/interop-exactness");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--export" -> export = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> kerasFiles.add(Path.of(args[i]));
            }
        }
        Files.createDirectories(work);
        NativeRuntime.start();
        LabeledImages test = KerasFixtures.testImages(IMAGES);
        List<ReferencePython.Job> jobs = new ArrayList<>();
        for (int i = 0; i < kerasFiles.size(); i++) { // numbered: two files may share a name (a fixture and a case)
            Path k = kerasFiles.get(i);
            jobs.add(new ReferencePython.Job("keras", k, null, work.resolve(i + "-" + k.getFileName() + ".keras-side")));
        }
        ComputationGraph ours = export == null ? null : new ModelStore().load(export);
        if (ours != null) {
            new KerasWriter().writeKeras(ours, work.resolve("export.keras"));
            new KerasWriter().writeWeights(ours, work.resolve("export.weights.h5"));
            new OnnxWriter().write(ours, work.resolve("export.onnx"), "exactness");
            new KerasWriter().writeLegacyH5(ours, work.resolve("export.h5"));
            jobs.add(new ReferencePython.Job("keras", work.resolve("export.keras"), null, work.resolve("export.keras.out")));
            jobs.add(new ReferencePython.Job("weights", work.resolve("export.keras"), work.resolve("export.weights.h5"),
                    work.resolve("export.weights.out")));
            jobs.add(new ReferencePython.Job("onnx", work.resolve("export.onnx"), null, work.resolve("export.onnx.out")));
            jobs.add(new ReferencePython.Job("keras", work.resolve("export.h5"), null, work.resolve("export.h5.out")));
        }
        System.out.print(ReferencePython.run(jobs, IMAGES, work));
        System.out.printf("%-50s %-26s %8s %8s %16s%n", "direction", "file", "convnet", "other", "max |Δ softmax|");
        for (int i = 0; i < kerasFiles.size(); i++) {
            Path k = kerasFiles.get(i);
            float[][] keras = jobs.get(i).probabilities(IMAGES);
            ComputationGraph graph = new KerasReader().read(k).toGraph();
            row("Keras (" + extension(k) + ") -> convnet [" + engine(graph) + "]", k, served(graph, test), keras, test);
            KerasModel imported = new KerasReader().readForFineTuning(k);
            if (!imported.batchNorms().isEmpty()) { // what convnet import makes: BatchNormalization kept as layers
                row("Keras (" + extension(k) + ") -> convnet import, BN kept [" + engine(graph) + "]", k,
                        served(imported.toGraph(), test), keras, test);
            }
        }
        if (ours != null) {
            float[][] convnet = served(ours, test);
            int n = kerasFiles.size();
            row("convnet -> Keras load_model", work.resolve("export.keras"), convnet, jobs.get(n).probabilities(IMAGES), test);
            row("convnet -> Keras load_weights", work.resolve("export.weights.h5"), convnet, jobs.get(n + 1).probabilities(IMAGES), test);
            row("convnet -> ONNX Runtime (Python)", work.resolve("export.onnx"), convnet, jobs.get(n + 2).probabilities(IMAGES), test);
            row("convnet -> ONNX Runtime (Java)", work.resolve("export.onnx"), convnet, onnxJava(work.resolve("export.onnx"), test), test);
            row("convnet -> Keras load_model (legacy .h5)", work.resolve("export.h5"), convnet, jobs.get(n + 3).probabilities(IMAGES), test);
        }
        System.exit(0);
    }

    /** Every spelling, a kept Dropout included (the identity at inference), runs on the oneDNN engine. */
    private static String engine(ComputationGraph graph) {
        return "oneDNN";
    }

    private static float[][] served(ComputationGraph graph, LabeledImages test) {
        return KerasFixtures.infer(dev.convnet.engine.Engine.ONEDNN, graph, test);
    }

    private static float[][] onnxJava(Path onnx, LabeledImages test) throws Exception {
        float[] pixels = new float[IMAGES * 784];
        test.pixels().get(0, pixels);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {IMAGES, 1, 28, 28});
             OrtSession.Result result = session.run(Map.of(OnnxWriter.INPUT, input))) {
            return (float[][]) result.get(OnnxWriter.OUTPUT).orElseThrow().getValue();
        }
    }

    private static void row(String direction, Path file, float[][] convnet, float[][] other, LabeledImages test) {
        System.out.printf(Locale.ROOT, "%-50s %-26s %8.4f %8.4f %16.2e%n", direction, file.getFileName(),
                accuracy(convnet, test), accuracy(other, test), KerasFixtures.maxAbsDifference(convnet, other));
    }

    private static double accuracy(float[][] p, LabeledImages test) {
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            int best = 0;
            for (int j = 1; j < p[i].length; j++) {
                best = p[i][j] > p[i][best] ? j : best;
            }
            correct += best == test.classes()[i] ? 1 : 0;
        }
        return correct / (double) p.length;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".keras") ? ".keras" : name.endsWith("keras2.h5") ? ".h5, Keras 2 layout" : ".h5";
    }
}
