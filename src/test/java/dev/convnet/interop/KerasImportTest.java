package dev.convnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.data.LabeledImages;
import dev.convnet.engine.Engine;
import dev.convnet.model.ConvNetModel;
import dev.convnet.platform.NativeRuntime;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Models trained and saved by real Keras 3 predict, once imported, what Keras predicted (≤ 1e-5). */
class KerasImportTest {
    private static LabeledImages images;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        images = KerasFixtures.testImages(KerasFixtures.IMAGES);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "book.keras | book | convnet 32,64,128 k3 s1 valid | keras | 3.15.1",
        "book.h5 | book | convnet 32,64,128 k3 s1 valid | h5 | 3.15.1",
        "book.keras2.h5 | book | convnet 32,64,128 k3 s1 valid | h5 | 2.15.0",
        "same-k5.keras | same-k5 | convnet 16,32,64 k5 s1 same | keras | 3.15.1",
        "same-k5.h5 | same-k5 | convnet 16,32,64 k5 s1 same | h5 | 3.15.1",
        "strides2.keras | strides2 | convnet 32,64 k3 s2 same | keras | 3.15.1",
        "strides2.h5 | strides2 | convnet 32,64 k3 s2 same | h5 | 3.15.1",
        "dense.keras | dense | dense 512 | keras | 3.15.1"})
    void importedModelsPredictWhatKerasPredicted(String file, String model, String architecture, String format,
                                                 String version) {
        KerasModel keras = new KerasReader().read(KerasFixtures.file(file));
        assertEquals(architecture, keras.architecture().describe());
        assertEquals(format, keras.source().format());
        assertEquals(version, keras.source().kerasVersion());
        assertEquals(64, keras.source().sha256().length());
        ComputationGraph graph = keras.toGraph();
        float[][] expected = KerasFixtures.kerasPredictions(model);
        double dl4j = KerasFixtures.maxAbsDifference(expected, KerasFixtures.dl4j(graph, images));
        assertTrue(dl4j <= 1e-5, file + ": DL4J max |Δ softmax| " + dl4j);
        if (!keras.architecture().isDense()) { // the oneDNN engine runs convolution chains; dense models stay on DL4J
            double oneDnn = KerasFixtures.maxAbsDifference(expected, KerasFixtures.oneDnn(graph, images));
            assertTrue(oneDnn <= 1e-5, file + ": oneDNN max |Δ softmax| " + oneDnn);
        }
        // the same graph convnet builds itself: NCHW input, no dropout anywhere
        assertEquals(List.of("input_1"), graph.getConfiguration().getNetworkInputs());
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            assertEquals(null, layer.conf().getLayer().getIDropout(), layer.conf().getLayer().getLayerName() + " has dropout");
        }
        assertEquals(ConvNetModel.create(keras.architecture(), KerasModel.FINE_TUNING).getConfiguration().toJson(),
                graph.getConfiguration().toJson(), "not the graph convnet builds for " + architecture);
    }

    /**
     * The spellings of listing 8-1 found in the wild (issue 18), each made by real Keras 3.15.1 (or
     * in Keras 2.1 / 2.2.4's layout), predict what Keras predicted; the run record says what the
     * import changed. A Dropout kept before the output layer is a real layer, the identity at
     * inference; the oneDNN engine serves them all.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "keras-io-dropout.keras | keras-io-dropout | convnet 8,16 k3 s1 valid pool-last dropout 0.5 | 3.15.1 | imported.dropout | dropout (rate 0.5) kept before dense",
        "dropout-anywhere.keras | dropout-anywhere | convnet 8,16 k3 s1 valid dropout 0.4 | 3.15.1 | imported.identity_at_inference | spatial_dropout2d (SpatialDropout2D 0.1), dropout (Dropout 0.25), dropout_1 (Dropout 0.4)",
        "dropout-anywhere.h5 | dropout-anywhere | convnet 8,16 k3 s1 valid dropout 0.4 | 3.15.1 | imported.dropout | dropout_1 (rate 0.4)",
        "rescaling.keras | rescaling | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.folded | is convnet's pixels / 255",
        "rescaling-offset.keras | rescaling-offset | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.folded | offset -1) into the first layer",
        "reshape.h5 | reshape | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.identity_at_inference | reshape (Reshape to (28, 28, 1))",
        "reshape-sequential.keras | reshape-sequential | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.identity_at_inference | Reshape to (28, 28, 1)",
        "activations.h5 | activations | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.folded | activation (relu) into conv2d, re_lu (relu) into conv2d_1, softmax (softmax) into dense",
        "logits.keras | logits | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.softmax | added after dense: the Keras model outputs logits",
        "batchnorm.keras | batchnorm | convnet 8,16 k3 s1 valid pool-last dropout 0.3 | 3.15.1 | imported.folded | batch_normalization into conv2d",
        "batchnorm.h5 | batchnorm | convnet 8,16 k3 s1 valid pool-last dropout 0.3 | 3.15.1 | imported.folded | batch_normalization_2 into dense",
        "batchnorm-after-relu.keras | batchnorm-after-relu | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.folded | batch_normalization into the input of conv2d_1, batch_normalization_1 into the input of dense",
        "batchnorm-some.keras | batchnorm-some | convnet 8,16,16 k3 s1 valid | 3.15.1 | imported.folded | batch_normalization into conv2d, re_lu (relu) into conv2d, batch_normalization_1 into the input of dense",
        "batchnorm-some.h5 | batchnorm-some | convnet 8,16,16 k3 s1 valid | 3.15.1 | imported.folded | batch_normalization_1 into the input of dense",
        "batchnorm-dense.keras | batchnorm-dense | dense 512 | 3.15.1 | imported.folded | batch_normalization into the input of dense_1",
        "augmentation.keras | augmentation | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.augmentation | RandomRotation(factor=[-0.1,0.1], fill_mode=reflect, interpolation=bilinear, fill_value=0.0), RandomZoom(height_factor=0.2",
        "nested-augmentation.keras | nested-augmentation | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.augmentation | RandomFlip(mode=horizontal",
        "nested-augmentation.h5 | nested-augmentation | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.augmentation | RandomFlip(mode=horizontal",
        "relu-after-pool.keras | relu-after-pool | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.folded | activation (relu) into conv2d, before max_pooling2d (max pooling and ReLU commute), re_lu (relu) into conv2d_1, before max_pooling2d_1",
        "relu-after-pool.h5 | relu-after-pool | convnet 8,16 k3 s1 valid pool-last | 3.15.1 | imported.folded | (max pooling and ReLU commute)",
        "keras2.1.h5 | keras2 | convnet 8,16 k3 s1 valid pool-last dropout 0.5 | 2.1.6 | imported.dropout | dropout_1 (rate 0.5) kept before dense_1",
        "keras2.2.4.h5 | keras2 | convnet 8,16 k3 s1 valid pool-last dropout 0.5 | 2.2.4 | imported.dropout | dropout_1 (rate 0.5)"})
    void spellingsPredictWhatKerasPredicted(String file, String model, String architecture, String version, String noteKey,
                                            String note) {
        KerasModel keras = new KerasReader().read(KerasFixtures.file(file));
        assertEquals(architecture, keras.architecture().describe());
        assertEquals(version, keras.source().kerasVersion());
        assertTrue(keras.notes().getOrDefault(noteKey, "").contains(note), noteKey + ": " + keras.notes());
        ComputationGraph graph = keras.toGraph();
        assertEquals(ConvNetModel.create(keras.architecture(), KerasModel.FINE_TUNING).getConfiguration().toJson(),
                graph.getConfiguration().toJson(), "not the graph convnet builds for " + architecture);
        assertPredictsAsKeras(file, model, keras, graph);
    }

    /**
     * Read for fine-tuning ({@code convnet import}), a model with Conv2D, BatchNormalization, ReLU
     * keeps its BatchNormalization layers with Keras' momentum, epsilon and moving statistics (the
     * one after the output Dense, which convnet's graph has no place for, is folded), and its Dropout
     * before the output; it still predicts what Keras predicted, on DL4J and on the oneDNN engine,
     * and one training step on the oneDNN engine moves the moving statistics as Keras' momentum says.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"batchnorm.keras", "batchnorm.h5"})
    void fineTuningKeepsBatchNormalizationAsLayers(String file) {
        KerasModel keras = new KerasReader().readForFineTuning(KerasFixtures.file(file));
        assertEquals("convnet 8,16 k3 s1 valid pool-last batch-norm dropout 0.3", keras.architecture().describe());
        assertEquals(List.of("batch_normalization", "batch_normalization_1"),
                keras.batchNorms().stream().map(KerasModel.BatchNormWeights::kerasName).toList());
        assertEquals(List.of(0.9, 0.9), keras.batchNorms().stream().map(KerasModel.BatchNormWeights::momentum).toList());
        assertEquals(List.of(1e-3, 1e-5), keras.batchNorms().stream().map(KerasModel.BatchNormWeights::epsilon).toList());
        assertTrue(keras.notes().get("imported.batch_norm").startsWith("batch_normalization (momentum 0.9, epsilon 0.001), "
                + "batch_normalization_1 (momentum 0.9, epsilon 1.0E-5) kept as layers"), keras.notes().toString());
        assertEquals("activation (relu) into conv2d, re_lu (relu) into conv2d_1, batch_normalization_2 into dense, "
                + "activation_1 (softmax) into dense", keras.notes().get("imported.folded"));

        ComputationGraph graph = keras.toGraph();
        org.deeplearning4j.nn.conf.layers.BatchNormalization second = (org.deeplearning4j.nn.conf.layers.BatchNormalization)
                graph.getLayer("batch_normalization_1").conf().getLayer();
        assertEquals(0.9, second.getDecay());
        assertEquals(1e-5, second.getEps());
        float[][] expected = KerasFixtures.kerasPredictions("batchnorm");
        double dl4j = KerasFixtures.maxAbsDifference(expected, KerasFixtures.dl4j(graph, images));
        assertTrue(dl4j <= 1e-5, file + ": DL4J max |Δ softmax| " + dl4j);
        double oneDnn = KerasFixtures.maxAbsDifference(expected, KerasFixtures.oneDnn(graph, images));
        assertTrue(oneDnn <= 1e-5, file + ": oneDNN max |Δ softmax| " + oneDnn);

        float[] movingMean = graph.getLayer("batch_normalization").getParam("mean").toFloatVector();
        assertEquals(keras.batchNorms().get(0).movingMean()[0], movingMean[0], "the moving mean as imported");
        dev.convnet.engine.Backend backend = Engine.ONEDNN.open(graph, 64);
        try {
            assertEquals("oneDNN", backend.name());
            backend.train(new dev.convnet.engine.Batch(images, java.util.stream.IntStream.range(0, 64).toArray(), 0, 64));
            backend.sync();
        } finally {
            backend.close();
        }
        float[] after = graph.getLayer("batch_normalization").getParam("mean").toFloatVector();
        assertTrue(!java.util.Arrays.equals(after, movingMean), "one oneDNN step updates the moving mean");
    }

    /**
     * Read for fine-tuning, BatchNormalization stays a layer wherever Keras put it: after a
     * convolution's ReLU (before the pooling, or before Flatten), after the pooling, or on some
     * convolutions only (before the ReLU of one, none on another); the run record says kept, and
     * none is folded; after the ReLU of chapter 2's hidden Dense too. The model still predicts what
     * Keras predicted, on DL4J and on the oneDNN engine, which trains the convnets (the dense model
     * is DL4J's: the engine runs no hidden Dense) and moves the moving statistics.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "batchnorm-after-relu.keras | batchnorm-after-relu | convnet 8,16 k3 s1 valid pool-last batch-norm after-relu,after-pool | batch_normalization (momentum 0.9, epsilon 0.001), batch_normalization_1 (momentum 0.9, epsilon 0.001)",
        "batchnorm-some.keras | batchnorm-some | convnet 8,16,16 k3 s1 valid batch-norm before-relu,none,after-relu | batch_normalization (momentum 0.9, epsilon 0.001), batch_normalization_1 (momentum 0.9, epsilon 1.0E-4)",
        "batchnorm-some.h5 | batchnorm-some | convnet 8,16,16 k3 s1 valid batch-norm before-relu,none,after-relu | batch_normalization (momentum 0.9, epsilon 0.001), batch_normalization_1 (momentum 0.9, epsilon 1.0E-4)",
        "batchnorm-dense.keras | batchnorm-dense | dense 512 batch-norm after-relu | batch_normalization (momentum 0.9, epsilon 0.001)"})
    void fineTuningKeepsBatchNormalizationWhereKerasPutIt(String file, String model, String architecture, String kept) {
        KerasModel keras = new KerasReader().readForFineTuning(KerasFixtures.file(file));
        assertEquals(architecture, keras.architecture().describe());
        assertTrue(keras.notes().get("imported.batch_norm").startsWith(kept + " kept as layers"), keras.notes().toString());
        assertTrue(!keras.notes().getOrDefault("imported.folded", "").contains("batch_normalization"), keras.notes().toString());

        ComputationGraph graph = keras.toGraph();
        assertEquals(ConvNetModel.create(keras.architecture(), KerasModel.FINE_TUNING).getConfiguration().getTopologicalOrderStr(),
                graph.getConfiguration().getTopologicalOrderStr(), "not the graph convnet builds for " + architecture);
        int last = keras.batchNorms().size() - 1;
        String lastName = "batch_normalization" + (last == 0 ? "" : "_" + last); // convnet numbers them as Keras does
        org.deeplearning4j.nn.conf.layers.BatchNormalization norm = (org.deeplearning4j.nn.conf.layers.BatchNormalization)
                graph.getLayer(lastName).conf().getLayer();
        assertEquals(keras.batchNorms().get(last).momentum(), norm.getDecay());
        assertEquals(keras.batchNorms().get(last).epsilon(), norm.getEps());
        Engine engine = assertPredictsAsKeras(file, model, keras, graph);

        float[] movingMean = graph.getLayer(lastName).getParam("mean").toFloatVector();
        assertEquals(keras.batchNorms().get(last).movingMean()[0], movingMean[0], "the moving mean as imported");
        dev.convnet.engine.Backend backend = engine.open(graph, 64);
        try {
            assertEquals(keras.architecture().isDense() ? "DL4J" : "oneDNN", backend.name());
            backend.train(new dev.convnet.engine.Batch(images, java.util.stream.IntStream.range(0, 64).toArray(), 0, 64));
            backend.sync();
        } finally {
            backend.close();
        }
        float[] after = graph.getLayer(lastName).getParam("mean").toFloatVector();
        assertTrue(!java.util.Arrays.equals(after, movingMean), "one training step updates the moving mean");
    }

    /**
     * Read for inference, a BatchNormalization that no fold reproduces exactly (after a max pooling
     * under a 'same'-padded Conv2D: its shift would move the zero border; a negative gamma before a
     * max pooling: the order of the two matters) is kept as a layer, so that evaluate, predict and
     * serve still compute what Keras computes. The two files come from a new user's Keras 3.15.1
     * script (Kaggle-style models trained one epoch on 5,000 images; one with some gammas negated).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "batchnorm-pool-same.keras | batchnorm-pool-same | convnet 32,64 k3 s1 same pool-last batch-norm after-pool,none",
        "batchnorm-negative-gamma.keras | batchnorm-negative-gamma | convnet 32,64 k3 s1 valid pool-last batch-norm after-relu,after-relu dropout 0.5"})
    void aBatchNormalizationNoFoldReproducesIsKeptForInference(String file, String model, String architecture) {
        KerasModel keras = new KerasReader().read(KerasFixtures.file(file));
        assertEquals(architecture, keras.architecture().describe());
        assertPredictsAsKeras(file, model, keras, keras.toGraph());
    }

    /**
     * The graph's softmax, by DL4J and by the engine convnet would serve it with, within 1e-5 of what
     * Keras predicted for the fixture's 100 images; returns that engine. The engine runs no hidden
     * Dense: the dense model is served and trained as evaluate and train do, by DL4J.
     */
    private Engine assertPredictsAsKeras(String file, String model, KerasModel keras, ComputationGraph graph) {
        float[][] expected = KerasFixtures.kerasPredictions(model);
        double dl4j = KerasFixtures.maxAbsDifference(expected, KerasFixtures.dl4j(graph, images));
        assertTrue(dl4j <= 1e-5, file + ": DL4J max |Δ softmax| " + dl4j);
        Engine engine = keras.architecture().isDense() ? Engine.AUTO : Engine.ONEDNN;
        double served = KerasFixtures.maxAbsDifference(expected, KerasFixtures.infer(engine, graph, images));
        assertTrue(served <= 1e-5, file + ": " + engine.id() + " max |Δ softmax| " + served);
        return engine;
    }
}
