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
    void somethingThatIsNotAModelConfigSaysSo() {
        InteropException e = assertThrows(InteropException.class, () -> KerasConfig.parse("x.keras", "[1, 2"));
        assertTrue(e.getMessage().startsWith("x.keras: the Keras model config is not valid JSON"), e.getMessage());
        e = assertThrows(InteropException.class, () -> KerasConfig.parse("y.keras", "{\"class_name\": \"MyModel\", \"config\": {}}"));
        assertEquals("y.keras: the Keras model is a 'MyModel'; convnet reads Sequential and functional models (keras.Model)",
                e.getMessage());
    }
}
