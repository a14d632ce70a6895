package dev.convnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.convnet.data.LabeledImages;
import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelType;
import dev.convnet.model.Optimizer;
import dev.convnet.model.Padding;
import dev.convnet.platform.NativeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models exported by convnet, run in the real thing: Keras 3 (load_model of the .keras and of the
 * legacy .h5, and load_weights of the .weights.h5), onnx.checker and ONNX Runtime (Python, and the Java API in
 * this JVM). Each must predict what convnet predicts, to 1e-5, on real test images.
 */
class ExportIT {
    private static final int IMAGES = KerasFixtures.IMAGES;
    /** The book's model trained in Keras, a strided same-padding variant, and the chapter-2 dense network. */
    private static final Map<String, ComputationGraph> MODELS = new LinkedHashMap<>();
    private static final Map<String, ReferencePython.Job> JOBS = new LinkedHashMap<>();
    private static LabeledImages images;
    private static String pythonOutput;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void exportAndRunInPython() throws Exception {
        NativeRuntime.start();
        images = KerasFixtures.testImages(IMAGES);
        MODELS.put("book", new KerasReader().read(KerasFixtures.file("book.keras")).toGraph());
        MODELS.put("strides2", new KerasReader().read(KerasFixtures.file("strides2.h5")).toGraph());
        Architecture dense = new Architecture(ModelType.DENSE, List.of(32), 3, 1, Padding.VALID);
        MODELS.put("dense", ConvNetModel.create(dense, new Hyperparameters(Optimizer.ADAM, 0.001, 5)));
        // five convolutions: more layer groups in the HDF5 file, asymmetric same padding at 7 -> 4 -> 2 -> 1
        MODELS.put("deep", ConvNetModel.create(new Architecture(ModelType.CONVNET, List.of(8, 8, 16, 16, 32), 3, 1, Padding.SAME),
                new Hyperparameters(Optimizer.SGD, 0.01, 7)));
        // the keras.io example's shape with BatchNormalization (statistics set away from their start) and Dropout
        ComputationGraph regularised = ConvNetModel.create(new Architecture(ModelType.CONVNET, List.of(8, 16), 3, 1, Padding.VALID,
                true, 0.5, true), new Hyperparameters(Optimizer.RMSPROP, 0.001, 3));
        randomStatistics(regularised, List.of("batch_normalization", "batch_normalization_1"), new java.util.Random(3));
        MODELS.put("regularised", regularised);
        // Keras models with BatchNormalization after the ReLU, after the pooling, and on some convolutions
        // only, imported for fine-tuning (kept as layers) and fine-tuned a few steps on the oneDNN engine
        MODELS.put("bn-after-relu", fineTuned("batchnorm-after-relu.keras"));
        MODELS.put("bn-some", fineTuned("batchnorm-some.h5"));
        // chapter 2's dense network with BatchNormalization after the hidden Dense's ReLU (Keras), and before it
        MODELS.put("bn-dense", fineTuned("batchnorm-dense.keras"));
        ComputationGraph denseBefore = ConvNetModel.create(dense.withBatchNorms(List.of(dev.convnet.model.BatchNormPlacement
                .BEFORE_ACTIVATION)), new Hyperparameters(Optimizer.RMSPROP, 0.001, 11));
        randomStatistics(denseBefore, List.of("batch_normalization"), new java.util.Random(11));
        MODELS.put("bn-dense-before", denseBefore);
        List<ReferencePython.Job> jobs = new ArrayList<>();
        for (var model : MODELS.entrySet()) {
            Path keras = tmp.resolve(model.getKey() + ".keras");
            Path weights = tmp.resolve(model.getKey() + ".weights.h5");
            Path onnx = tmp.resolve(model.getKey() + ".onnx");
            new KerasWriter().writeKeras(model.getValue(), keras);
            new KerasWriter().writeWeights(model.getValue(), weights);
            Path legacy = tmp.resolve(model.getKey() + ".h5");
            new KerasWriter().writeLegacyH5(model.getValue(), legacy);
            JOBS.put(model.getKey() + ".h5", new ReferencePython.Job("keras", legacy, null, tmp.resolve(model.getKey() + ".h5.out")));
            new OnnxWriter().write(model.getValue(), onnx, "test");
            JOBS.put(model.getKey() + ".keras", new ReferencePython.Job("keras", keras, null, tmp.resolve(model.getKey() + ".keras.out")));
            JOBS.put(model.getKey() + ".weights.h5", new ReferencePython.Job("weights", keras, weights, tmp.resolve(model.getKey() + ".weights.out")));
            JOBS.put(model.getKey() + ".onnx", new ReferencePython.Job("onnx", onnx, null, tmp.resolve(model.getKey() + ".onnx.out")));
        }
        jobs.addAll(JOBS.values());
        pythonOutput = ReferencePython.run(jobs, IMAGES, tmp);
    }

    /** BatchNormalization's gamma, beta and moving statistics set away from their start. */
    private static void randomStatistics(ComputationGraph graph, List<String> layers, java.util.Random random) {
        for (String bn : layers) {
            for (String param : List.of("gamma", "beta", "mean", "var")) {
                org.nd4j.linalg.api.ndarray.INDArray p = graph.getLayer(bn).getParam(param);
                for (long i = 0; i < p.length(); i++) {
                    double v = random.nextDouble();
                    p.putScalar(i, param.equals("beta") || param.equals("mean") ? v - 0.5 : 0.5 + v);
                }
            }
        }
    }

    /**
     * A Keras fixture read for fine-tuning, then trained three steps of 64 of the test images as
     * {@code train} would: on the oneDNN engine (DL4J for the dense model, whose hidden Dense the
     * engine does not run).
     */
    private static ComputationGraph fineTuned(String fixture) {
        KerasModel keras = new KerasReader().readForFineTuning(KerasFixtures.file(fixture));
        assertTrue(keras.notes().containsKey("imported.batch_norm"), keras.notes().toString());
        ComputationGraph graph = keras.toGraph();
        dev.convnet.engine.Backend backend = dev.convnet.engine.Engine.AUTO.open(graph, 64);
        try {
            assertEquals(keras.architecture().isDense() ? "DL4J" : "oneDNN", backend.name());
            int[] rows = java.util.stream.IntStream.range(0, 192).map(i -> (i * 7) % IMAGES).toArray();
            for (int from = 0; from < 192; from += 64) {
                backend.train(new dev.convnet.engine.Batch(images, rows, from, from + 64));
            }
            backend.sync();
        } finally {
            backend.close();
        }
        return graph;
    }

    @ParameterizedTest
    @ValueSource(strings = {"book.keras", "book.h5", "book.weights.h5", "book.onnx", "strides2.keras", "strides2.h5",
        "strides2.weights.h5", "strides2.onnx", "dense.keras", "dense.h5", "dense.weights.h5", "dense.onnx", "deep.keras",
        "deep.h5", "deep.weights.h5", "deep.onnx", "regularised.keras", "regularised.h5", "regularised.weights.h5",
        "regularised.onnx", "bn-after-relu.keras", "bn-after-relu.h5", "bn-after-relu.weights.h5", "bn-after-relu.onnx",
        "bn-some.keras", "bn-some.h5", "bn-some.weights.h5", "bn-some.onnx", "bn-dense.keras", "bn-dense.h5",
        "bn-dense.weights.h5", "bn-dense.onnx", "bn-dense-before.keras", "bn-dense-before.h5", "bn-dense-before.weights.h5",
        "bn-dense-before.onnx"})
    void theRealThingPredictsWhatConvnetPredicts(String export) throws Exception {
        ComputationGraph graph = MODELS.get(export.substring(0, export.indexOf('.')));
        float[][] ours = KerasFixtures.dl4j(graph, images);
        float[][] theirs = JOBS.get(export).probabilities(IMAGES);
        double delta = KerasFixtures.maxAbsDifference(ours, theirs);
        assertTrue(delta <= 1e-5, export + ": max |Δ softmax| " + delta + "\n" + pythonOutput);
        assertEquals(0, differentClasses(ours, theirs), export + ": predicted classes differ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"book", "strides2", "dense", "deep", "regularised", "bn-after-relu", "bn-some", "bn-dense",
        "bn-dense-before"})
    void onnxRuntimeInJavaPredictsWhatConvnetPredicts(String model) throws Exception {
        float[][] ours = KerasFixtures.dl4j(MODELS.get(model), images);
        float[] pixels = new float[IMAGES * 784];
        images.pixels().get(0, pixels);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(tmp.resolve(model + ".onnx").toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(pixels), new long[] {IMAGES, 1, 28, 28});
             OrtSession.Result result = session.run(Map.of(OnnxWriter.INPUT, input))) {
            float[][] theirs = (float[][]) result.get(OnnxWriter.OUTPUT).orElseThrow().getValue();
            double delta = KerasFixtures.maxAbsDifference(ours, theirs);
            assertTrue(delta <= 1e-5, model + ".onnx in ONNX Runtime (Java): max |Δ softmax| " + delta);
        }
    }

    /** Keras reads the same layers back: Dropout and BatchNormalization with their settings; ONNX omits the Dropout. */
    @Test
    void dropoutAndBatchNormalizationAreWrittenAsKerasAndOnnxLayers() throws Exception {
        String config = new String(new java.util.zip.ZipFile(tmp.resolve("regularised.keras").toFile()).getInputStream(
                new java.util.zip.ZipEntry("config.json")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        for (String expected : List.of("\"class_name\":\"Dropout\"", "\"rate\":0.5", "\"class_name\":\"BatchNormalization\"",
                "\"momentum\":0.99", "\"epsilon\":0.001", "\"class_name\":\"Activation\"")) {
            assertTrue(config.contains(expected), expected + " not in " + config);
        }
        assertTrue(pythonOutput.contains("regularised.keras"), pythonOutput);
        onnx.Onnx.ModelProto written = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(tmp.resolve("regularised.onnx")));
        List<String> ops = written.getGraph().getNodeList().stream().map(onnx.Onnx.NodeProto::getOpType).toList();
        assertEquals(2, ops.stream().filter("BatchNormalization"::equals).count(), ops.toString());
        assertTrue(!ops.contains("Dropout"), ops.toString());
    }

    /** The BatchNormalization layers go to Keras where they are in the graph: after the ReLU, after the pooling. */
    @Test
    void batchNormalizationIsExportedWhereItIs() throws Exception {
        String config = new String(new java.util.zip.ZipFile(tmp.resolve("bn-after-relu.keras").toFile()).getInputStream(
                new java.util.zip.ZipEntry("config.json")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        List<String> order = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"class_name\":\"(\\w+)\",\"config\":\\{\"name\":\"(\\w+)\"")
                .matcher(config);
        while (m.find()) {
            if (!m.group(1).equals("DTypePolicy") && !m.group(1).equals("Functional")) {
                order.add(m.group(1));
            }
        }
        assertEquals(List.of("Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D", "MaxPooling2D", "BatchNormalization",
                "Flatten", "Dense"), order, config);
        assertTrue(config.contains("\"momentum\":0.9"), config);
        assertTrue(pythonOutput.contains("bn-after-relu.keras"), pythonOutput);
    }

    @ParameterizedTest
    @ValueSource(strings = {".keras", ".h5"})
    void exportedKerasFileImportsBackToTheSameModel(String ending) {
        for (var model : MODELS.entrySet()) {
            KerasModel back = new KerasReader().read(tmp.resolve(model.getKey() + ending));
            float[][] before = KerasFixtures.dl4j(model.getValue(), images);
            float[][] after = KerasFixtures.dl4j(back.toGraph(), images);
            // BatchNormalization comes back folded into its convolution: rounded once more in float
            double tolerance = model.getKey().equals("regularised") || model.getKey().startsWith("bn-") ? 1e-5 : 0;
            double delta = KerasFixtures.maxAbsDifference(before, after);
            assertTrue(delta <= tolerance, model.getKey() + ": round trip changed the predictions by " + delta);
            assertEquals(KerasWriter.KERAS_VERSION, back.source().kerasVersion());
        }
        assertTrue(Files.exists(tmp.resolve("book.weights.h5")));
    }

    /** Images whose predicted class differs, not counting near-ties (untrained models have some). */
    static int differentClasses(float[][] a, float[][] b) {
        int different = 0;
        for (int i = 0; i < a.length; i++) {
            int ca = argmax(a[i]);
            int cb = argmax(b[i]);
            if (ca != cb && Math.abs(a[i][ca] - a[i][cb]) > 1e-5) {
                different++;
            }
        }
        return different;
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return best;
    }
}
