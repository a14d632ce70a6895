package dev.convnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Keras model configs as Keras 2 and 3 write them, mapped onto convnet's architectures, or refused in one line. */
class KerasConfigTest {
    private static String conv(String name, int filters, int kernel, String extra) {
        return "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"" + name + "\", \"filters\": " + filters
                + ", \"kernel_size\": [" + kernel + ", " + kernel + "], \"strides\": [1, 1], \"padding\": \"valid\", "
                + "\"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"relu\", \"use_bias\": true"
                + extra + "}}";
    }

    private static final String POOL = "{\"class_name\": \"MaxPool2D\", \"config\": {\"name\": \"pool\", \"pool_size\": [2, 2], "
            + "\"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"}}";
    private static final String FLATTEN = "{\"class_name\": \"Flatten\", \"config\": {\"name\": \"flatten\"}}";
    private static final String OUT = "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 10, "
            + "\"activation\": \"softmax\", \"use_bias\": true}}";

    /** tf.keras 2.x Sequential without an InputLayer: the first layer carries batch_input_shape. */
    @Test
    void keras2SequentialWithTheInputShapeOnItsFirstLayer() {
        String config = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"layers\": ["
                + conv("conv2d", 32, 3, ", \"batch_input_shape\": [null, 28, 28, 1]") + ", " + POOL + ", "
                + conv("conv2d_1", 64, 3, "") + ", " + POOL + ", " + conv("conv2d_2", 128, 3, "") + ", " + FLATTEN + ", " + OUT
                + "]}, \"keras_version\": \"2.15.0\"}";
        KerasArchitecture arch = KerasArchitecture.of("seq.h5", KerasConfig.parse("seq.h5", config));
        assertEquals("convnet 32,64,128 k3 s1 valid", arch.architecture().describe());
        assertEquals(java.util.List.of("conv2d", "conv2d_1", "conv2d_2", "dense"), arch.weightedNames());
        assertEquals("dense", arch.weighted().get(3).savePath());
        assertEquals("conv2d_2", arch.weighted().get(2).savePath());
    }

    @Test
    void convolutionsWithDifferentKernelsAreRefused() {
        String config = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
                + conv("a", 8, 3, ", \"batch_input_shape\": [null, 28, 28, 1]") + ", " + POOL + ", " + conv("b", 8, 5, "")
                + ", " + FLATTEN + ", " + OUT + "]}}";
        InteropException e = assertThrows(InteropException.class,
                () -> KerasArchitecture.of("k.h5", KerasConfig.parse("k.h5", config)));
        assertEquals("k.h5: b has kernel 5, strides 1, padding valid but a has 3, 1, valid; "
                + "convnet uses one kernel size, stride and padding for all convolutions", e.getMessage());
    }

    /** A functional model whose layers branch (a residual Add) is not a chain: named, with what convnet reads. */
    @Test
    void branchingModelsAreRefused() {
        String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 28, 28, 1]}, \"inbound_nodes\": []},"
                + "{\"class_name\": \"Conv2D\", \"name\": \"c\", \"config\": {\"name\": \"c\"}, \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]},"
                + "{\"class_name\": \"Add\", \"name\": \"add\", \"config\": {\"name\": \"add\"}, \"inbound_nodes\": [[[\"c\", 0, 0, {}], [\"in\", 0, 0, {}]]]}"
                + "], \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"add\", 0, 0]]}}";
        InteropException e = assertThrows(InteropException.class, () -> KerasConfig.parse("res.keras", config));
        assertTrue(e.getMessage().startsWith("res.keras: layer add (Add) does not take its input from the layer before it"),
                e.getMessage());
    }

    @Test
    void aNestedBlockWithWeightsIsRefusedNamingTheLayer() {
        // Keras files a nested layer's weights under the block's name: only weightless blocks (augmentation) are inlined
        String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 28, 28, 1]}, \"inbound_nodes\": []},"
                + "{\"class_name\": \"Sequential\", \"name\": \"features\", \"config\": {\"name\": \"features\", \"layers\": ["
                + "{\"class_name\": \"RandomFlip\", \"config\": {\"name\": \"flip\"}}, " + conv("c", 8, 3, "") + "]},"
                + " \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]}"
                + "], \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"features\", 0, 0]]}}";
        InteropException e = assertThrows(InteropException.class, () -> KerasConfig.parse("nested.keras", config));
        assertEquals("nested.keras: the nested model features (Sequential) holds c (Conv2D); convnet reads nested blocks of "
                + "augmentation, Rescaling, Dropout, Reshape and activation layers (the book's data_augmentation): put Conv2D "
                + "in the model itself", e.getMessage());
    }

    @Test
    void aBfloat16PolicyModelIsToldWhatToDoNotCalledDamaged() {
        String policy = ", \"dtype\": {\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\": {\"name\": \"bfloat16\"}}";
        String config = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
                + conv("conv2d", 8, 3, ", \"batch_input_shape\": [null, 28, 28, 1]" + policy) + ", " + FLATTEN + ", " + OUT + "]}}";
        InteropException e = assertThrows(InteropException.class, () -> KerasConfig.parse("bf16.keras", config));
        assertTrue(e.getMessage().startsWith("bf16.keras: conv2d (Conv2D) was saved under Keras' bfloat16 dtype policy"), e.getMessage());
        String mixed = config.replace("\"bfloat16\"", "\"mixed_bfloat16\""); // float32 weights: read as any model
        assertEquals("convnet 8 k3 s1 valid", KerasArchitecture.of("m.keras", KerasConfig.parse("m.keras", mixed)).architecture().describe());
    }

    @Test
    void aReluAfterPoolingFoldsBeforeItButNotAcrossABatchNormalization() {
        String linear = "\"activation\": \"relu\"";
        String relu = "{\"class_name\": \"ReLU\", \"config\": {\"name\": \"r\"}}";
        String plain = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
                + conv("c", 8, 3, ", \"batch_input_shape\": [null, 28, 28, 1]").replace(linear, "\"activation\": \"linear\"")
                + ", " + POOL + ", " + relu + ", " + FLATTEN + ", " + OUT + "]}}";
        KerasArchitecture folded = KerasArchitecture.of("p.keras", KerasConfig.parse("p.keras", plain));
        assertEquals("convnet 8 k3 s1 valid pool-last", folded.architecture().describe());
        // relu(BN(pool(conv))) is not pool(relu(conv)) then BN: refused as before, not folded wrongly
        String bn = "{\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"bn\", \"axis\": -1, \"epsilon\": 0.001, "
                + "\"momentum\": 0.99, \"center\": true, \"scale\": true}}";
        String between = plain.replace(POOL + ", " + relu, POOL + ", " + bn + ", " + relu);
        InteropException e = assertThrows(InteropException.class, () -> KerasArchitecture.of("b.keras", KerasConfig.parse("b.keras", between)));
        assertTrue(e.getMessage().startsWith("b.keras: r (ReLU) applies relu to the output of pool (MaxPool2D)"), e.getMessage());
    }

    @Test
    void aModelEndingInANestedBlockEndsInItsLastLayer() {
        String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"name\": \"in\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 28, 28, 1]}, \"inbound_nodes\": []},"
                + conv("c", 8, 3, "").replaceFirst("\\}\\}$", "}, \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]}") + ","
                + FLATTEN.replaceFirst("\\}\\}$", "}, \"inbound_nodes\": [[[\"c\", 0, 0, {}]]]}") + ","
                + OUT.replace("\"softmax\"", "\"linear\"").replaceFirst("\\}\\}$", "}, \"inbound_nodes\": [[[\"flatten\", 0, 0, {}]]]}") + ","
                + "{\"class_name\": \"Sequential\", \"name\": \"head\", \"config\": {\"name\": \"head\", \"layers\": ["
                + "{\"class_name\": \"Softmax\", \"config\": {\"name\": \"softmax\"}}]}, \"inbound_nodes\": [[[\"dense\", 0, 0, {}]]]}"
                + "], \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"head\", 0, 0]]}}";
        KerasArchitecture arch = KerasArchitecture.of("head.keras", KerasConfig.parse("head.keras", config));
        assertEquals("convnet 8 k3 s1 valid", arch.architecture().describe());
    }

    @Test
    void keras2NestedBlockFirstAsABareListIsInlined() {
        // Keras 2.2's Sequential of a Sequential: both configs bare lists, the input shape on the inner first layer
        String config = "{\"class_name\": \"Sequential\", \"config\": ["
                + "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"Rescaling\", \"config\": {\"name\": \"sc\", "
                + "\"scale\": 1.0, \"offset\": 0.0, \"batch_input_shape\": [null, 28, 28, 1]}}]}, "
                + conv("conv2d", 8, 3, "") + ", " + FLATTEN + ", " + OUT + "]}";
        KerasArchitecture arch = KerasArchitecture.of("k2.h5", KerasConfig.parse("k2.h5", config));
        assertEquals("convnet 8 k3 s1 valid", arch.architecture().describe());
    }

    @Test
    void somethingThatIsNotAModelConfigSaysSo() {
        InteropException e = assertThrows(InteropException.class, () -> KerasConfig.parse("x.keras", "[1, 2"));
        assertTrue(e.getMessage().startsWith("x.keras: the Keras model config is not valid JSON"), e.getMessage());
        e = assertThrows(InteropException.class, () -> KerasConfig.parse("y.keras", "{\"class_name\": \"MyModel\", \"config\": {}}"));
        assertEquals("y.keras: the Keras model is a 'MyModel'; convnet reads Sequential and functional models (keras.Model)",
                e.getMessage());
    }

    @Test
    void aChannelsFirstInputSaysSoAndWhatToDo() {
        String config = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 1, 28, 28]}}, "
                + conv("conv2d", 32, 3, "") + ", " + POOL + ", " + FLATTEN + ", " + OUT + "]}}";
        InteropException e = assertThrows(InteropException.class, () -> KerasArchitecture.of("cf.keras", KerasConfig.parse("cf.keras", config)));
        assertEquals("cf.keras: the model's input shape is (1, 28, 28), channels first (data_format='channels_first'); convnet reads "
                + "channels_last models: build it on keras.Input((28, 28, 1)) with Keras' default data_format and train it again", e.getMessage());
    }

    private static String layer(String className, String config) {
        return "{\"class_name\": \"" + className + "\", \"config\": {" + config + "}}";
    }

    /** Listing 8-1 in Keras 3's Sequential form with {@code extra} layers after the first convolution (or before it). */
    private static KerasArchitecture withLayers(String before, String afterConv, String convActivation) {
        String conv0 = conv("conv2d", 32, 3, "").replace("\"relu\"", "\"" + convActivation + "\"");
        String config = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
                + "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 28, 28, 1]}}, "
                + (before.isEmpty() ? "" : before + ", ") + conv0 + ", " + (afterConv.isEmpty() ? "" : afterConv + ", ")
                + POOL + ", " + conv("conv2d_1", 64, 3, "") + ", " + FLATTEN + ", " + OUT + "]}}";
        return KerasArchitecture.of("f.keras", KerasConfig.parse("f.keras", config));
    }

    /** Fuzzed configs of the layers convnet reads around listing 8-1: each gets one line naming the layer and the value. */
    /** Rows: class and config of a layer before the first convolution | of one after it | that convolution's activation | the message's start. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> fuzzedLayers() {
        return java.util.stream.Stream.of(
            "|| Dropout | \"name\": \"d\", \"rate\": 1.5 | relu | f.keras: d has rate 1.5; a Dropout rate is the probability to drop a unit: at least 0 and below 1",
            "|| Dropout | \"name\": \"d\", \"rate\": -0.1 | relu | f.keras: d has rate -0.1; a Dropout rate",
            "|| Dropout | \"name\": \"d\", \"rate\": 1 | relu | f.keras: d has rate 1; a Dropout rate",
            "|| Dropout | \"name\": \"d\", \"rate\": \"half\" | relu | f.keras: d has rate \"half\"; a Dropout rate",
            "|| Dropout | \"name\": \"d\" | relu | f.keras: d has rate ; a Dropout rate",
            "|| BatchNormalization | \"name\": \"bn\", \"epsilon\": -1 | linear | f.keras: bn has epsilon -1; expected a small positive number",
            "|| BatchNormalization | \"name\": \"bn\", \"momentum\": 7 | linear | f.keras: bn has momentum 7; expected a number from 0 to 1",
            "|| BatchNormalization | \"name\": \"bn\", \"axis\": 1 | linear | f.keras: bn normalises axis 1; convnet folds BatchNormalization over the channels",
            "|| Activation | \"name\": \"a\", \"activation\": \"tanh\" | linear | f.keras: conv2d has activation 'tanh'; convnet expects 'relu' there, as listing 8-1 has it: build the model with activation='relu' there and train it again",
            "|| Activation | \"name\": \"a\", \"activation\": \"relu\" | relu | f.keras: a (Activation) applies relu to the output of conv2d after its relu; convnet fuses it only into a Conv2D or Dense whose activation is linear",
            "|| ReLU | \"name\": \"r\", \"max_value\": 6.0 | linear | f.keras: r is ReLU(max_value=6.0, negative_slope=, threshold=); convnet's ReLU is max(x, 0)",
            "|| Softmax | \"name\": \"s\", \"axis\": 1 | linear | f.keras: s is a softmax over axis 1",
            "|| Reshape | \"name\": \"r\", \"target_shape\": [100000, 100000, 1] | relu | f.keras: r reshapes the output of conv2d to [100000,100000,1]",
            "|| Rescaling | \"name\": \"sc\", \"scale\": 2.0 | relu | f.keras: sc (Rescaling) comes after conv2d; convnet folds Rescaling only when it comes before the first Conv2D or Dense",
            "Rescaling | \"name\": \"sc\", \"scale\": 0 | | | relu | f.keras: sc has scale 0: the model ignores its input",
            "Rescaling | \"name\": \"sc\", \"scale\": \"x\" | | | relu | f.keras: sc has scale \"x\"; convnet reads Rescaling with a finite number as scale",
            "Rescaling | \"name\": \"sc\", \"scale\": 1e400 | | | relu | f.keras: sc has scale \"Infinity\"; convnet reads Rescaling with a finite number",
            "Rescaling | \"name\": \"sc\", \"scale\": NaN | | | relu | f.keras: sc has scale \"NaN\"; convnet reads Rescaling with a finite number",
            "Rescaling | \"name\": \"sc\", \"scale\": -Infinity | | | relu | f.keras: sc has scale \"-Infinity\"; convnet reads Rescaling with a finite number",
            "Reshape | \"name\": \"r\", \"target_shape\": [7, 7, 16] | | | relu | f.keras: r reshapes (28, 28, 1) to [7,7,16]; convnet reads Reshape((28, 28, 1)) only right after a (28, 28) or (784,) input",
            "|| Dropout | \"name\": \"d\", \"rate\": 1e400 | relu | f.keras: d has rate")
                .map(row -> org.junit.jupiter.params.provider.Arguments.of((Object[]) row.split(" ?\\| ?", -1)));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("fuzzedLayers")
    void fuzzedLayersGetOneLine(String beforeClass, String beforeConfig, String afterClass, String afterConfig, String convActivation,
                                String message) {
        String before = beforeClass.isEmpty() ? "" : layer(beforeClass, beforeConfig);
        String after = afterClass.isEmpty() ? "" : layer(afterClass, afterConfig);
        InteropException e = assertThrows(InteropException.class, () -> withLayers(before, after, convActivation));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    /** What the fuzzing must not refuse: a negative scale folds exactly; huge augmentation factors are the identity at inference. */
    @Test
    void negativeScalesAndWildAugmentationAreRead() {
        KerasArchitecture negative = withLayers(layer("Rescaling", "\"name\": \"sc\", \"scale\": -0.5, \"offset\": 3"), "", "relu");
        assertEquals(new KerasArchitecture.InputScaling(-127.5, 3), negative.inputScaling());
        KerasArchitecture wild = withLayers(layer("RandomRotation", "\"name\": \"rr\", \"factor\": 1e300"), "", "relu");
        assertEquals("RandomRotation(factor=1.0E300)", wild.notes().get("imported.augmentation"));
        KerasArchitecture eps0 = withLayers("", layer("BatchNormalization", "\"name\": \"bn\", \"epsilon\": 0") + ", "
                + layer("ReLU", "\"name\": \"r\""), "linear");
        assertEquals(0.0, eps0.weighted().get(0).batchNorm().epsilon());
    }

    /** Keras 2.2.4 and older wrote a Sequential model's config as the bare list of its layers. */
    @Test
    void aBareListOfLayersIsASequentialModel() {
        String config = "{\"class_name\": \"Sequential\", \"config\": ["
                + conv("conv2d_1", 32, 3, ", \"batch_input_shape\": [null, 28, 28, 1]") + ", " + POOL + ", "
                + conv("conv2d_2", 64, 3, "") + ", " + FLATTEN + ", " + OUT + "]}";
        assertEquals("convnet 32,64 k3 s1 valid", KerasArchitecture.of("old.h5", KerasConfig.parse("old.h5", config))
                .architecture().describe());
        InteropException e = assertThrows(InteropException.class,
                () -> KerasConfig.parse("odd.h5", "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\"}}"));
        assertTrue(e.getMessage().startsWith("odd.h5: the Sequential model's config has no list of layers"), e.getMessage());
    }
}
