package dev.convnet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.report.KerasSummary;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

/** Each architecture option changes shapes and parameter counts as Keras would. */
class ArchitectureTest {

    private static List<KerasSummary.Row> rows(Architecture arch) {
        return KerasSummary.rows(ConvNetModel.configuration(arch, new Hyperparameters(0.001, 1)),
                InputType.convolutional(28, 28, 1));
    }

    private static List<String> shapes(Architecture arch) {
        return rows(arch).stream().map(KerasSummary.Row::shape).toList();
    }

    private static Architecture convnet(List<Integer> filters, int kernel, int strides, String padding) {
        return new Architecture(ModelType.CONVNET, filters, kernel, strides, Padding.fromId(padding));
    }

    @Test
    void samePaddingKeepsTheSize() {
        Architecture same = convnet(List.of(32, 64, 128), 3, 1, "same");
        assertEquals(List.of("[(None, 28, 28, 1)]", "(None, 28, 28, 32)", "(None, 14, 14, 32)", "(None, 14, 14, 64)",
                "(None, 7, 7, 64)", "(None, 7, 7, 128)", "(None, 6272)", "(None, 10)"), shapes(same));
        assertEquals(320 + 18_496 + 73_856 + 6272 * 10 + 10, KerasSummary.totalParams(rows(same)));
    }

    @Test
    void stridesShrinkTheMaps() {
        assertEquals("(None, 13, 13, 32)", shapes(convnet(List.of(32, 64), 3, 2, "valid")).get(1));
        assertEquals("(None, 14, 14, 32)", shapes(convnet(List.of(32, 64), 3, 2, "same")).get(1));
    }

    @Test
    void filtersSetLayersAndWidths() {
        Architecture two = convnet(List.of(16, 32), 3, 1, "valid");
        assertEquals(List.of("[(None, 28, 28, 1)]", "(None, 26, 26, 16)", "(None, 13, 13, 16)", "(None, 11, 11, 32)",
                "(None, 3872)", "(None, 10)"), shapes(two));
        assertEquals(160 + 4_640 + 38_730, KerasSummary.totalParams(rows(two)));
    }

    @Test
    void kernelSizeChangesShapesAndParameters() {
        List<KerasSummary.Row> rows = rows(convnet(List.of(32, 64), 5, 1, "valid"));
        assertEquals("(None, 24, 24, 32)", rows.get(1).shape());
        assertEquals(32 * 25 + 32, rows.get(1).params());
    }

    @Test
    void denseIsChapterTwosNetwork() {
        List<KerasSummary.Row> rows = rows(new Architecture(ModelType.DENSE, List.of(32), 3, 1, Padding.VALID));
        assertEquals(List.of("[(None, 28, 28, 1)]", "(None, 784)", "(None, 512)", "(None, 10)"),
                rows.stream().map(KerasSummary.Row::shape).toList());
        assertEquals(407_050, KerasSummary.totalParams(rows)); // as the book's chapter 2 summary
    }

    @Test
    void bookDefaultsAreListingEightOne() {
        assertEquals(104_202, KerasSummary.totalParams(rows(Architecture.BOOK)));
    }

    @Test
    void impossibleShapesAreClearErrors() {
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> convnet(List.of(32, 64, 128, 256), 3, 1, "valid").featureMapSizes(28));
        assertTrue(tooDeep.getMessage().contains("convolution 4 gets a 1x1 input"), tooDeep.getMessage());
        IllegalArgumentException bigStride = assertThrows(IllegalArgumentException.class,
                () -> convnet(List.of(8, 8, 8), 3, 4, "same").featureMapSizes(28));
        assertTrue(bigStride.getMessage().contains("pooling after convolution 2"), bigStride.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelType.fromId("resnet"));
        assertThrows(IllegalArgumentException.class, () -> Padding.fromId("causal"));
    }

    /** The keras.io MNIST example and its BatchNormalization variant: Keras' model.summary() counts (3.15.1). */
    @Test
    void dropoutAndBatchNormalizationCountAsKerasCountsThem() {
        Architecture kerasIo = new Architecture(ModelType.CONVNET, List.of(32, 64), 3, 1, Padding.VALID, true, 0.5, false);
        List<KerasSummary.Row> rows = rows(kerasIo);
        assertEquals(List.of("InputLayer", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dropout", "Dense"),
                rows.stream().map(KerasSummary.Row::type).toList());
        assertEquals(34_826, KerasSummary.totalParams(rows));
        List<KerasSummary.Row> normalised = rows(kerasIo.withBatchNorm(true));
        assertEquals(List.of("InputLayer", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Conv2D",
                "BatchNormalization", "Activation", "MaxPooling2D", "Flatten", "Dropout", "Dense"),
                normalised.stream().map(KerasSummary.Row::type).toList());
        String table = KerasSummary.render("convnet", normalised);
        assertTrue(table.contains("Total params: 35,210\nTrainable params: 35,018\nNon-trainable params: 192\n"), table);
        assertEquals("convnet 32,64 k3 s1 valid pool-last batch-norm dropout 0.5", kerasIo.withBatchNorm(true).describe());
    }

    /**
     * BatchNormalization where Keras models put it: after the ReLU (before the pooling), after the
     * pooling, or on some convolutions only; layers named as Keras numbers them, described per layer.
     */
    @Test
    void batchNormalizationPlacedPerConvolution() {
        Architecture arch = Architecture.BOOK.withBatchNorms(List.of(BatchNormPlacement.AFTER_ACTIVATION,
                BatchNormPlacement.NONE, BatchNormPlacement.BEFORE_ACTIVATION));
        List<KerasSummary.Row> rows = rows(arch);
        assertEquals(List.of("input_1", "conv2d", "batch_normalization", "max_pooling2d", "conv2d_1", "max_pooling2d_1",
                "conv2d_2", "batch_normalization_1", "activation", "flatten", "dense"),
                rows.stream().map(KerasSummary.Row::name).toList());
        assertEquals("convnet 32,64,128 k3 s1 valid batch-norm after-relu,none,before-relu", arch.describe());
        Architecture afterPool = Architecture.BOOK.withBatchNorms(List.of(BatchNormPlacement.AFTER_POOLING,
                BatchNormPlacement.AFTER_POOLING, BatchNormPlacement.NONE));
        assertEquals(List.of("input_1", "conv2d", "max_pooling2d", "batch_normalization", "conv2d_1", "max_pooling2d_1",
                "batch_normalization_1", "conv2d_2", "flatten", "dense"), rows(afterPool).stream().map(KerasSummary.Row::name).toList());
        // --batch-norm reads as it always has, and run records written with it still say the same
        assertEquals("convnet 32,64,128 k3 s1 valid batch-norm", Architecture.BOOK.withBatchNorm(true).describe());
        assertTrue(Architecture.BOOK.withBatchNorms(java.util.Collections.nCopies(3, BatchNormPlacement.BEFORE_ACTIVATION)).batchNorm());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.BOOK.withBatchNorms(
                java.util.Collections.nCopies(3, BatchNormPlacement.AFTER_POOLING)));
        assertTrue(e.getMessage().contains("after the pooling of layer 3, which has no pooling after it"), e.getMessage());
    }

    /** Chapter 2's dense network with a BatchNormalization after (or before) its hidden Dense's ReLU, counted as Keras counts it. */
    @Test
    void denseBatchNormalization() {
        Architecture dense = new Architecture(ModelType.DENSE, List.of(32), 3, 1, Padding.VALID);
        Architecture after = dense.withBatchNorms(List.of(BatchNormPlacement.AFTER_ACTIVATION));
        assertEquals(List.of("input_1", "flatten", "dense_hidden", "batch_normalization", "dense"),
                rows(after).stream().map(KerasSummary.Row::name).toList());
        assertEquals(409_098, KerasSummary.totalParams(rows(after))); // Keras: Dense(512), BatchNormalization(), Dense(10)
        assertEquals("dense 512 batch-norm after-relu", after.describe());
        assertEquals(List.of("input_1", "flatten", "dense_hidden", "batch_normalization", "activation", "dense"),
                rows(dense.withBatchNorms(List.of(BatchNormPlacement.BEFORE_ACTIVATION))).stream().map(KerasSummary.Row::name).toList());
        assertThrows(IllegalArgumentException.class, () -> dense.withBatchNorms(List.of(BatchNormPlacement.AFTER_POOLING)));
    }

    @Test
    void aDropoutRateIsAProbabilityToDrop() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.BOOK.withDropout(1.0));
        assertTrue(e.getMessage().contains("at least 0 and below 1, got 1.0"), e.getMessage());
    }
}
