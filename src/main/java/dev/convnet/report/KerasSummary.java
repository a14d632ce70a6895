package dev.convnet.report;

import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;

/**
 * The table Keras' {@code model.summary()} prints, built from a DL4J graph configuration.
 *
 * <p>DL4J's own summary has other columns and no Flatten row. Shapes are shown channels-last
 * ({@code (None, 26, 26, 32)}) as in Keras, although DL4J computes channels-first internally.
 * Parameter counts come from the configuration, so no weights need to be allocated.
 */
public final class KerasSummary {
    private static final int SHAPE_WIDTH = 26;
    private static final int MIN_NAME_WIDTH = 29;

    /**
     * One table row.
     *
     * @param params all of the layer's parameters
     * @param nonTrainable those that training does not change by gradient (BatchNormalization's moving mean and variance)
     */
    public record Row(String name, String type, String shape, long params, long nonTrainable) {
        public Row(String name, String type, String shape, long params) {
            this(name, type, shape, params, 0);
        }
    }

    private KerasSummary() {
    }

    /** The rows for a graph whose inputs have the given types, in topological order. */
    public static List<Row> rows(ComputationGraphConfiguration conf, InputType... inputs) {
        Map<String, InputType> outputs = conf.getLayerActivationTypes(true, false, inputs);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, InputType> entry : outputs.entrySet()) {
            String name = entry.getKey();
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex == null) {
                rows.add(new Row(name, "InputLayer", "[" + shape(entry.getValue()) + "]", 0));
            } else {
                rows.add(new Row(name, typeOf(vertex), shape(entry.getValue()), paramsOf(vertex), nonTrainableOf(vertex)));
            }
        }
        return rows;
    }

    /** The whole table, ending with the parameter totals. */
    public static String render(String modelName, List<Row> rows) {
        int nameWidth = MIN_NAME_WIDTH;
        for (Row row : rows) {
            nameWidth = Math.max(nameWidth, Printable.text(row.name()).length() + row.type().length() + 4);
        }
        int width = nameWidth + SHAPE_WIDTH + 10;
        String thin = "_".repeat(width);
        String thick = "=".repeat(width);
        StringBuilder out = new StringBuilder();
        out.append("Model: \"").append(modelName).append("\"\n").append(thin).append('\n');
        out.append(line(nameWidth, "Layer (type)", "Output Shape", "Param #")).append(thick).append('\n');
        long total = 0;
        long frozen = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            total += row.params();
            frozen += row.nonTrainable();
            out.append(line(nameWidth, Printable.text(row.name()) + " (" + row.type() + ")", row.shape(), String.format(Locale.ROOT, "%,d", row.params())));
            out.append(i == rows.size() - 1 ? thick : thin).append('\n');
        }
        out.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        out.append(String.format(Locale.ROOT, "Trainable params: %,d%n", total - frozen));
        out.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", frozen)).append(thin).append('\n');
        return out.toString();
    }

    public static long totalParams(List<Row> rows) {
        return rows.stream().mapToLong(Row::params).sum();
    }

    private static String line(int nameWidth, String name, String shape, String params) {
        return padRight(name, nameWidth) + padRight(shape, SHAPE_WIDTH) + params + "\n";
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    private static String typeOf(GraphVertex vertex) {
        if (vertex instanceof PreprocessorVertex p) {
            return p.getPreProcessor() instanceof CnnToFeedForwardPreProcessor ? "Flatten" : "Preprocessor";
        }
        if (!(vertex instanceof LayerVertex lv)) {
            return vertex.getClass().getSimpleName().replace("Vertex", "");
        }
        Layer layer = lv.getLayerConf().getLayer();
        if (layer instanceof ConvolutionLayer) {
            return "Conv2D";
        }
        if (layer instanceof SubsamplingLayer s) {
            return s.getPoolingType() == PoolingType.MAX ? "MaxPooling2D" : "AveragePooling2D";
        }
        if (layer instanceof BaseOutputLayer || layer instanceof DenseLayer) {
            return "Dense";
        }
        if (layer instanceof DropoutLayer) {
            return "Dropout";
        }
        if (layer instanceof ActivationLayer) {
            return "Activation";
        }
        return layer.getClass().getSimpleName();
    }

    private static long paramsOf(GraphVertex vertex) {
        if (vertex instanceof LayerVertex lv) {
            Layer layer = lv.getLayerConf().getLayer();
            return layer.initializer().numParams(layer);
        }
        return 0;
    }

    /** BatchNormalization's moving mean and variance: 2 of its 4 parameters per channel, as Keras counts them. */
    private static long nonTrainableOf(GraphVertex vertex) {
        if (vertex instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization b) {
            return 2 * b.getNOut();
        }
        return 0;
    }

    private static String shape(InputType type) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return String.format(Locale.ROOT, "(None, %d, %d, %d)", c.getHeight(), c.getWidth(), c.getChannels());
        }
        if (type instanceof InputType.InputTypeFeedForward f) {
            return String.format(Locale.ROOT, "(None, %d)", f.getSize());
        }
        return type.toString();
    }
}
