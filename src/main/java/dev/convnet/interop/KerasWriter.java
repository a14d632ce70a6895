package dev.convnet.interop;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.convnet.data.AtomicFile;
import dev.convnet.model.ConvNetModel;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Writes a convnet model as Keras 3 reads it: a {@code .keras} zip (config.json, metadata.json,
 * model.weights.h5) or a legacy HDF5 {@code .h5} for {@code keras.models.load_model}, or a
 * {@code .weights.h5} for {@code model.load_weights}. The network is written as the book writes listing 8-1 (a functional
 * model on a 28x28x1 input, channels last), with the kernels moved into Keras' layouts.
 */
public final class KerasWriter {
    /** The Keras version whose file format this writes (and that the tests load it with). */
    public static final String KERAS_VERSION = "3.15.1";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Writes {@code graph} as a Keras 3 {@code .keras} file, atomically. */
    public void writeKeras(ComputationGraph graph, Path target) {
        NetworkChain chain = NetworkChain.of(graph.getConfiguration());
        String config = config(chain).toString();
        String metadata = JSON.objectNode().put("keras_version", KERAS_VERSION)
                .put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss", Locale.ROOT)))
                .toString();
        AtomicFile.write(target, tmp -> {
            Path weights = Files.createTempFile(tmp.getParent(), ".convnet-weights", ".h5");
            try {
                writeWeightsFile(chain, graph, weights);
                try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                    put(zip, "metadata.json", metadata.getBytes(StandardCharsets.UTF_8));
                    put(zip, "config.json", config.getBytes(StandardCharsets.UTF_8));
                    zip.putNextEntry(new ZipEntry("model.weights.h5"));
                    Files.copy(weights, zip);
                    zip.closeEntry();
                }
            } finally {
                Files.deleteIfExists(weights);
            }
        }, InteropWriteException::new);
    }

    /** Writes the weights alone, as Keras 3's {@code model.save_weights("x.weights.h5")} does. */
    public void writeWeights(ComputationGraph graph, Path target) {
        NetworkChain chain = NetworkChain.of(graph.getConfiguration());
        AtomicFile.write(target, tmp -> writeWeightsFile(chain, graph, tmp), InteropWriteException::new);
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /**
     * Writes {@code graph} as a legacy Keras HDF5 file ({@code model.save("x.h5")}), atomically: for
     * Keras 3's {@code load_model} (tested with 3.15) and tools that read only HDF5 models. Layout as
     * Keras' legacy_h5_format writes it: root attributes model_config (the same JSON as a .keras
     * file's config.json), keras_version and backend; group model_weights with a layer_names
     * attribute, and per weighted layer NAME a weight_names attribute (NAME/kernel, NAME/bias; a
     * BatchNormalization's gamma, beta, moving_mean, moving_variance) over datasets
     * model_weights/NAME/NAME/kernel and so on. Layers without weights are left out of layer_names:
     * Keras' loader drops them from the list before matching layers in order, and jhdf cannot write
     * their empty groups (see {@link #writeWeightsFile}).
     *
     * @throws InteropException when a layer's name holds a '/' (it would nest HDF5 groups)
     * @throws InteropWriteException when the file cannot be written (nothing is left at target)
     */
    public void writeLegacyH5(ComputationGraph graph, Path target) {
        NetworkChain chain = NetworkChain.of(graph.getConfiguration());
        String config = config(chain).toString();
        List<ChainLayer> weighted = chain.layers().stream().filter(KerasWriter::hasWeights).toList();
        for (ChainLayer layer : weighted) {
            if (layer.name().contains("/")) {
                throw new InteropException("layer name '" + layer.name() + "' holds a '/', which an HDF5 file cannot keep as one name; "
                        + "export to .keras instead");
            }
        }
        AtomicFile.write(target, tmp -> HdfWrite.write(tmp, hdf -> {
            hdf.putAttribute("backend", "tensorflow");
            hdf.putAttribute("keras_version", KERAS_VERSION);
            hdf.putAttribute("model_config", config);
            WritableGroup modelWeights = hdf.putGroup("model_weights");
            modelWeights.putAttribute("backend", "tensorflow");
            modelWeights.putAttribute("keras_version", KERAS_VERSION);
            modelWeights.putAttribute("layer_names", weighted.stream().map(ChainLayer::name).toArray(String[]::new));
            for (ChainLayer layer : weighted) {
                List<String> names = variableNames(layer);
                WritableGroup group = modelWeights.putGroup(layer.name());
                group.putAttribute("weight_names", names.stream().map(n -> layer.name() + "/" + n).toArray(String[]::new));
                WritableGroup values = group.putGroup(layer.name());
                List<Object> variables = variables(chain, graph, layer);
                for (int i = 0; i < names.size(); i++) {
                    values.putDataset(names.get(i), variables.get(i));
                }
            }
        }), InteropWriteException::new);
    }

    /**
     * Keras 3's layout: layers/PATH/vars/0 (kernel) and /1 (bias), or BatchNormalization's 0-3
     * (gamma, beta, moving_mean, moving_variance), a "name" attribute with the layer's name on each
     * vars group. PATH is the class name numbered per class (conv2d, conv2d_1, dense,
     * batch_normalization), as Keras' saving_lib addresses layers. Layers without weights get no group: Keras treats a missing one as empty, and jhdf
     * 0.9.4 writes an empty group that follows one holding data at a wrong address (h5py then
     * reports "bad object header version number"), so every group written here holds data. Groups
     * are written in name order, as h5py lists them.
     */
    private static void writeWeightsFile(NetworkChain chain, ComputationGraph graph, Path file) {
        HdfWrite.write(file, hdf -> {
            WritableGroup layers = hdf.putGroup("layers");
            Map<String, ChainLayer> byPath = new TreeMap<>();
            Map<String, Integer> perClass = new TreeMap<>();
            for (ChainLayer layer : chain.layers()) {
                String kind = layer instanceof ChainLayer.Conv ? "conv2d" : layer instanceof ChainLayer.Dense ? "dense"
                        : layer instanceof ChainLayer.BatchNorm ? "batch_normalization" : null;
                if (kind != null) {
                    int k = perClass.merge(kind, 1, Integer::sum) - 1;
                    byPath.put(kind + (k == 0 ? "" : "_" + k), layer);
                }
            }
            for (Map.Entry<String, ChainLayer> entry : byPath.entrySet()) {
                ChainLayer layer = entry.getValue();
                WritableGroup vars = vars(layers.putGroup(entry.getKey()), layer.name());
                List<Object> variables = variables(chain, graph, layer);
                for (int i = 0; i < variables.size(); i++) {
                    vars.putDataset(String.valueOf(i), variables.get(i));
                }
            }
        });
    }

    private static boolean hasWeights(ChainLayer layer) {
        return layer instanceof ChainLayer.Conv || layer instanceof ChainLayer.Dense || layer instanceof ChainLayer.BatchNorm;
    }

    /** Keras' names of a weighted layer's variables, in its order. */
    private static List<String> variableNames(ChainLayer layer) {
        return layer instanceof ChainLayer.BatchNorm ? List.of("gamma", "beta", "moving_mean", "moving_variance")
                : List.of("kernel", "bias");
    }

    /** A weighted layer's variables in Keras' layouts and order: kernel (HWIO or [in, out]) and bias, or BatchNormalization's four. */
    private static List<Object> variables(NetworkChain chain, ComputationGraph graph, ChainLayer layer) {
        if (layer instanceof ChainLayer.BatchNorm b) {
            return List.copyOf(NetworkChain.batchNormVariables(graph, b));
        }
        Object kernel;
        if (layer instanceof ChainLayer.Conv c) {
            kernel = nest4(chain.kerasKernel(graph, c), c.kernel(), c.kernel(), c.inChannels(), c.filters());
        } else {
            ChainLayer.Dense d = (ChainLayer.Dense) layer;
            kernel = nest2(chain.kerasKernel(graph, d), d.inputs(), d.units());
        }
        return List.of(kernel, NetworkChain.bias(graph, layer));
    }

    private static WritableGroup vars(WritableGroup layerGroup, String name) {
        WritableGroup vars = layerGroup.putGroup("vars");
        vars.putAttribute("name", name);
        return vars;
    }

    private static float[][] nest2(float[] flat, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    private static float[][][][] nest4(float[] flat, int a, int b, int c, int d) {
        float[][][][] out = new float[a][b][c][d];
        int i = 0;
        for (int x = 0; x < a; x++) {
            for (int y = 0; y < b; y++) {
                for (int z = 0; z < c; z++) {
                    System.arraycopy(flat, i, out[x][y][z], 0, d);
                    i += d;
                }
            }
        }
        return out;
    }

    /** config.json: a functional model, each layer reading the one before it. */
    private static ObjectNode config(NetworkChain chain) {
        ArrayNode layers = JSON.arrayNode();
        ObjectNode input = layer("InputLayer", ConvNetModel.INPUT, JSON.objectNode()
                .set("batch_shape", shape(28, 28, 1)));
        ((ObjectNode) input.get("config")).put("dtype", "float32").put("sparse", false).put("ragged", false)
                .put("name", ConvNetModel.INPUT);
        input.set("inbound_nodes", JSON.arrayNode());
        layers.add(input);
        String previous = ConvNetModel.INPUT;
        ArrayNode previousShape = shape(28, 28, 1);
        for (ChainLayer layer : chain.layers()) {
            ObjectNode config = JSON.objectNode().put("name", layer.name()).put("trainable", true);
            config.set("dtype", dtypePolicy());
            String className;
            ArrayNode outShape;
            if (layer instanceof ChainLayer.Conv c) {
                className = "Conv2D";
                config.put("filters", c.filters());
                config.set("kernel_size", pair(c.kernel()));
                config.set("strides", pair(c.stride()));
                config.put("padding", c.same() ? "same" : "valid").put("data_format", "channels_last");
                config.set("dilation_rate", pair(1));
                config.put("groups", 1).put("activation", c.relu() ? "relu" : "linear").put("use_bias", true);
                outShape = shape(c.outSide(), c.outSide(), c.filters());
            } else if (layer instanceof ChainLayer.BatchNorm b) {
                className = "BatchNormalization";
                config.put("axis", -1).put("momentum", b.momentum()).put("epsilon", b.epsilon())
                        .put("center", true).put("scale", true);
                outShape = b.side() == 0 ? JSON.arrayNode().addNull().add(b.channels()) : shape(b.side(), b.side(), b.channels());
            } else if (layer instanceof ChainLayer.Relu r) {
                className = "Activation";
                config.put("activation", "relu");
                outShape = r.side() == 0 ? JSON.arrayNode().addNull().add(r.channels()) : shape(r.side(), r.side(), r.channels());
            } else if (layer instanceof ChainLayer.Dropout d) {
                className = "Dropout";
                config.put("rate", d.rate()).putNull("seed").putNull("noise_shape");
                outShape = JSON.arrayNode().addNull().add(d.features());
            } else if (layer instanceof ChainLayer.MaxPool p) {
                className = "MaxPooling2D";
                config.set("pool_size", pair(2));
                config.put("padding", "valid");
                config.set("strides", pair(2));
                config.put("data_format", "channels_last");
                outShape = shape(p.outSide(), p.outSide(), p.channels());
            } else if (layer instanceof ChainLayer.Flatten f) {
                className = "Flatten";
                config.put("data_format", "channels_last");
                outShape = JSON.arrayNode().addNull().add(f.channels() * f.side() * f.side());
            } else {
                ChainLayer.Dense d = (ChainLayer.Dense) layer;
                className = "Dense";
                config.put("units", d.units()).put("activation", d.softmax() ? "softmax" : d.linear() ? "linear" : "relu")
                        .put("use_bias", true);
                outShape = JSON.arrayNode().addNull().add(d.units());
            }
            ObjectNode entry = layer(className, layer.name(), config);
            entry.set("build_config", JSON.objectNode().set("input_shape", previousShape));
            entry.set("inbound_nodes", JSON.arrayNode().add(inbound(previous, previousShape)));
            layers.add(entry);
            previous = layer.name();
            previousShape = outShape;
        }
        ObjectNode modelConfig = JSON.objectNode().put("name", "convnet").put("trainable", true);
        modelConfig.set("layers", layers);
        modelConfig.set("input_layers", JSON.arrayNode().add(ConvNetModel.INPUT).add(0).add(0));
        modelConfig.set("output_layers", JSON.arrayNode().add(previous).add(0).add(0));
        ObjectNode root = JSON.objectNode().put("module", "keras.src.models.functional").put("class_name", "Functional");
        root.set("config", modelConfig);
        root.put("registered_name", "Functional");
        root.set("build_config", JSON.objectNode().putNull("input_shape"));
        // No compile_config: the file holds no optimiser state, and with one Keras warns that it skips
        // the optimiser's variables. load_model gives an uncompiled model; compile() it before fit().
        return root;
    }

    private static ObjectNode layer(String className, String name, ObjectNode config) {
        ObjectNode layer = JSON.objectNode().put("module", "keras.layers").put("class_name", className);
        layer.set("config", config);
        layer.putNull("registered_name");
        layer.put("name", name);
        return layer;
    }

    private static ObjectNode inbound(String previous, ArrayNode shape) {
        ObjectNode tensorConfig = JSON.objectNode();
        tensorConfig.set("shape", shape);
        tensorConfig.put("dtype", "float32");
        tensorConfig.set("keras_history", JSON.arrayNode().add(previous).add(0).add(0));
        ObjectNode tensor = JSON.objectNode().put("class_name", "__keras_tensor__");
        tensor.set("config", tensorConfig);
        ObjectNode node = JSON.objectNode();
        node.set("args", JSON.arrayNode().add(tensor));
        node.set("kwargs", JSON.objectNode());
        return node;
    }

    private static ObjectNode dtypePolicy() {
        ObjectNode policy = JSON.objectNode().put("module", "keras").put("class_name", "DTypePolicy");
        policy.set("config", JSON.objectNode().put("name", "float32"));
        policy.putNull("registered_name");
        return policy;
    }

    private static ArrayNode pair(int v) {
        return JSON.arrayNode().add(v).add(v);
    }

    private static ArrayNode shape(int h, int w, int c) {
        return JSON.arrayNode().addNull().add(h).add(w).add(c);
    }
}
