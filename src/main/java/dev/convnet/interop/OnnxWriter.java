package dev.convnet.interop;

import dev.convnet.data.AtomicFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes a convnet model as an ONNX model (IR 8, opset 13) with the protobuf classes nd4j-api
 * already ships: Conv/[BatchNormalization]/Relu/MaxPool … Flatten, Gemm, Softmax. Dropout, the
 * identity at inference, is left out.
 *
 * <p>Input {@value #INPUT}: float32 {@code [N, 1, 28, 28]} (NCHW, pixels divided by 255, as convnet
 * feeds them); output {@value #OUTPUT}: the softmax over the 10 classes, {@code [N, 10]}. ONNX
 * convolutions and Flatten use DL4J's own layouts (OIHW kernels, (c, h, w) flattening), so the
 * weights go in unchanged; same padding is written as explicit pads (the odd pixel bottom/right).
 */
public final class OnnxWriter {
    public static final String INPUT = "input";
    public static final String OUTPUT = "probabilities";
    static final int IR_VERSION = 8;
    static final int OPSET = 13;

    /** Writes {@code graph} as ONNX to {@code target}, atomically. */
    public void write(ComputationGraph graph, Path target, String producerVersion) {
        byte[] bytes = model(graph, producerVersion).toByteArray();
        AtomicFile.write(target, tmp -> Files.write(tmp, bytes), InteropWriteException::new);
    }

    static Onnx.ModelProto model(ComputationGraph graph, String producerVersion) {
        NetworkChain chain = NetworkChain.of(graph.getConfiguration());
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("convnet");
        g.addInput(valueInfo(INPUT, List.of("N", 1L, 28L, 28L)));
        String x = INPUT;
        int classes = 0;
        for (ChainLayer layer : chain.layers()) {
            String n = layer.name();
            if (layer instanceof ChainLayer.Conv c) {
                g.addInitializer(tensor(n + "_W", NetworkChain.dl4jKernel(graph, c), c.filters(), c.inChannels(), c.kernel(), c.kernel()));
                g.addInitializer(tensor(n + "_b", NetworkChain.bias(graph, c), c.filters()));
                g.addNode(node("Conv", n, List.of(x, n + "_W", n + "_b"), n + "_conv")
                        .addAttribute(ints("kernel_shape", c.kernel(), c.kernel()))
                        .addAttribute(ints("strides", c.stride(), c.stride()))
                        .addAttribute(ints("pads", c.padBefore(), c.padBefore(), c.padAfter(), c.padAfter()))
                        .addAttribute(ints("dilations", 1, 1)));
                g.addNode(c.relu() ? node("Relu", n + "_relu", List.of(n + "_conv"), n) : node("Identity", n + "_out", List.of(n + "_conv"), n));
            } else if (layer instanceof ChainLayer.BatchNorm b) {
                List<float[]> v = NetworkChain.batchNormVariables(graph, b);
                List<String> names = List.of(n + "_scale", n + "_B", n + "_mean", n + "_var");
                for (int i = 0; i < names.size(); i++) {
                    g.addInitializer(tensor(names.get(i), v.get(i), b.channels()));
                }
                List<String> inputs = new java.util.ArrayList<>(List.of(x));
                inputs.addAll(names);
                g.addNode(node("BatchNormalization", n, inputs, n).addAttribute(Onnx.AttributeProto.newBuilder()
                        .setName("epsilon").setType(Onnx.AttributeProto.AttributeType.FLOAT).setF((float) b.epsilon())));
            } else if (layer instanceof ChainLayer.Relu) {
                g.addNode(node("Relu", n, List.of(x), n));
            } else if (layer instanceof ChainLayer.Dropout) {
                continue; // the identity at inference: ONNX gets no node, the next layer reads x
            } else if (layer instanceof ChainLayer.MaxPool) {
                g.addNode(node("MaxPool", n, List.of(x), n)
                        .addAttribute(ints("kernel_shape", 2, 2)).addAttribute(ints("strides", 2, 2)));
            } else if (layer instanceof ChainLayer.Flatten) {
                g.addNode(node("Flatten", n, List.of(x), n).addAttribute(Onnx.AttributeProto.newBuilder()
                        .setName("axis").setType(Onnx.AttributeProto.AttributeType.INT).setI(1)));
            } else {
                ChainLayer.Dense d = (ChainLayer.Dense) layer;
                g.addInitializer(tensor(n + "_W", NetworkChain.dl4jKernel(graph, d), d.inputs(), d.units()));
                g.addInitializer(tensor(n + "_b", NetworkChain.bias(graph, d), d.units()));
                if (d.linear()) { // a BatchNormalization and a ReLU follow
                    g.addNode(node("Gemm", n, List.of(x, n + "_W", n + "_b"), n));
                    x = n;
                    continue;
                }
                g.addNode(node("Gemm", n, List.of(x, n + "_W", n + "_b"), n + "_gemm"));
                String activation = d.softmax() ? "Softmax" : "Relu";
                Onnx.NodeProto.Builder act = node(activation, n + "_" + activation.toLowerCase(java.util.Locale.ROOT),
                        List.of(n + "_gemm"), d.softmax() ? OUTPUT : n);
                if (d.softmax()) {
                    act.addAttribute(Onnx.AttributeProto.newBuilder().setName("axis")
                            .setType(Onnx.AttributeProto.AttributeType.INT).setI(1));
                }
                g.addNode(act);
                classes = d.units();
            }
            x = layer instanceof ChainLayer.Dense d && d.softmax() ? OUTPUT : n;
        }
        g.addOutput(valueInfo(OUTPUT, List.of("N", (long) classes)));
        return Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("convnet")
                .setProducerVersion(producerVersion)
                .setDocString("The MNIST convnet of Deep Learning with Python, listing 8-1 (or a variant). Input: float32 "
                        + "[N, 1, 28, 28], pixels / 255; output: softmax over the 10 classes.")
                .setGraph(g)
                .build();
    }

    private static Onnx.NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    }

    private static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static Onnx.TensorProto tensor(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A float tensor's name and shape; a String dimension is symbolic (the batch). */
    private static Onnx.ValueInfoProto valueInfo(String name, List<Object> dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue((Long) d);
            }
            shape.addDim(dim);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}
