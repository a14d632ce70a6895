package dev.convnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.data.LabeledImages;
import dev.convnet.model.ConvNetModel;
import dev.convnet.runtime.NativeRuntime;
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
}
