package dev.convnet.engine;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * A ComputationGraph's chain of layers run directly on oneDNN, for training and inference.
 *
 * <p>Why: DL4J's layer helpers call oneDNN one op at a time through libnd4j, which converts every
 * activation between NCHW and oneDNN's blocked layouts and back (34-45 reorders a step), recomputes
 * forward convolutions in backprop, computes the input gradient of the first convolution that
 * nobody uses, and runs the dense layer on OpenBLAS. Here every primitive is created once per batch
 * size, activations stay in the layouts the primitives chose, ReLU is fused into the convolution,
 * weights and the RMSprop state never leave their blocked layout, and only the gradients that are
 * needed are computed. The graph stays the model of record: {@link #copyTo} writes weights and
 * optimiser state back, so saving, evaluation and DL4J's own code see the trained model.
 */
public final class OneDnnNetwork implements AutoCloseable {
    private final NetworkSpec spec;
    private final engine eng = new engine(engine.kind.cpu, 0);
    private final stream strm = new stream(eng);
    private final Parameters[] parameters;
    private final Map<Integer, Plan> plans = new HashMap<>();
    private final float learningRate;
    private final float rho;
    private final float epsilon;
    private final int pixels;
    private long steps;

    private OneDnnNetwork(NetworkSpec spec) {
        this.spec = spec;
        this.parameters = new Parameters[spec.layers().size()];
        RmsProp rms = spec.updater();
        this.learningRate = (float) rms.getLearningRate();
        this.rho = (float) rms.getRmsDecay();
        this.epsilon = (float) rms.getEpsilon();
        this.pixels = spec.channels() * spec.height() * spec.width();
    }

    /**
     * A oneDNN twin of {@code graph} with its current weights and RMSprop state, or the reason
     * the graph has layers this engine does not run.
     */
    public static OneDnnBuild of(ComputationGraph graph, int channels, int height, int width, int batch) {
        String[] why = new String[1];
        Optional<NetworkSpec> spec = NetworkSpec.of(graph, channels, height, width, why);
        if (spec.isEmpty()) {
            return new OneDnnBuild.Declined(why[0]);
        }
        OneDnnNetwork net = new OneDnnNetwork(spec.get());
        net.plan(batch); // the first plan fixes the weight layouts for all batch sizes
        net.loadFrom(graph);
        return new OneDnnBuild.Built(net);
    }

    /** Training steps taken so far. */
    public long steps() {
        return steps;
    }

    /**
     * One RMSprop step on the images {@code rows[from..to)} of {@code images}.
     *
     * @param images all images, {@code pixels} floats each, as in {@code LabeledImages}
     * @param classes the class of every image
     * @return {@code {sum of losses, number correct}} over the batch, before the update
     */
    public double[] trainStep(FloatBuffer images, int[] classes, int[] rows, int from, int to) {
        Plan plan = plan(to - from);
        plan.gather(images, rows, from, to);
        plan.forward();
        double[] lossAndCorrect = plan.softmaxCrossEntropy(classes, rows, from);
        plan.backward();
        for (Parameters p : parameters) {
            if (p != null) {
                p.rmsPropUpdate(learningRate, rho, epsilon);
            }
        }
        steps++;
        return lossAndCorrect;
    }

    /** Class probabilities for images {@code from..to} (in order), {@code [to-from][classes]}. */
    public float[][] predict(FloatBuffer images, int from, int to) {
        Plan plan = plan(to - from);
        plan.gatherRange(images, from);
        plan.forward();
        return plan.probabilities();
    }

    /** Writes weights, biases and RMSprop state back into {@code graph}, and advances its iteration count. */
    public void copyTo(ComputationGraph graph) {
        INDArray params = graph.params().reshape(-1);
        INDArray state = updaterState(graph);
        forEachLayerWithParameters(graph, (p, w, b) -> {
            write(params, w, p.plainWeights(eng, strm));
            write(params, b, p.plainBias());
            write(state, w, p.plainWeightCache(eng, strm));
            write(state, b, p.plainBiasCache());
        });
        graph.getConfiguration().setIterationCount(graph.getConfiguration().getIterationCount() + (int) steps);
        steps = 0;
    }

    @Override
    public void close() {
        plans.clear();
        strm.close();
        eng.close();
    }

    private void loadFrom(ComputationGraph graph) {
        INDArray params = graph.params().reshape(-1);
        INDArray state = updaterState(graph);
        forEachLayerWithParameters(graph, (p, w, b) -> p.load(eng, strm,
                read(params, w, p.weightCount()), read(params, b, p.biasCount()),
                read(state, w, p.weightCount()), read(state, b, p.biasCount())));
    }

    /** Visits each layer's parameters with the offsets of its weights and bias in the graph's flat vector. */
    private void forEachLayerWithParameters(ComputationGraph graph, ParameterVisitor visitor) {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] != null) {
                String name = spec.layers().get(i).name();
                visitor.visit(parameters[i], offset(graph, name + "_W"), offset(graph, name + "_b"));
            }
        }
    }

    private interface ParameterVisitor {
        void visit(Parameters parameters, long weightOffset, long biasOffset);
    }

    /**
     * RMSprop keeps one value per parameter, laid out like the flattened parameters themselves,
     * so a parameter's offset finds its state too.
     */
    private static INDArray updaterState(ComputationGraph graph) {
        ComputationGraphUpdater updater = graph.getUpdater(true);
        INDArray state = updater.getStateViewArray();
        if (state == null || state.length() != graph.numParams()) {
            throw new IllegalStateException("unexpected RMSprop state size " + (state == null ? 0 : state.length()));
        }
        return state.reshape(-1);
    }

    /** Offset of a parameter inside the graph's flattened parameter vector. */
    private static long offset(ComputationGraph graph, String key) {
        return graph.getParam(key).offset() - graph.params().offset();
    }

    private static float[] read(INDArray flat, long offset, int count) {
        return flat.get(NDArrayIndex.interval(offset, offset + count)).toFloatVector();
    }

    private static void write(INDArray flat, long offset, float[] values) {
        flat.get(NDArrayIndex.interval(offset, offset + values.length)).assign(Nd4j.createFromArray(values));
    }

    private Plan plan(int batch) {
        return plans.computeIfAbsent(batch, Plan::new);
    }

    /** Every primitive and buffer for one batch size, created once and reused at every step. */
    private final class Plan {
        private final int n;
        private final memory input;
        private final FloatBuffer inputValues;
        private final List<primitive> forward = new ArrayList<>();
        private final List<IntMemoryMap> forwardArgs = new ArrayList<>();
        private final List<primitive> backward = new ArrayList<>(); // in execution order
        private final List<IntMemoryMap> backwardArgs = new ArrayList<>();
        private final FloatBuffer logits;
        private final FloatBuffer logitGradient;
        private final int classes;

        Plan(int n) {
            this.n = n;
            long c = spec.channels();
            long h = spec.height();
            long w = spec.width();
            memory.desc srcDesc = Dnnl.desc(memory.format_tag.nchw, n, c, h, w);
            input = new memory(srcDesc, eng);
            inputValues = Dnnl.floats(input);
            memory src = input;
            memory srcDiff = null; // gradient with respect to src; none for the network input
            List<Runnable> backwardBuilders = new ArrayList<>();
            memory logitsMem = null;
            memory logitGradientMem = null;
            int outputs = 0;
            for (int i = 0; i < spec.layers().size(); i++) {
                LayerSpec layer = spec.layers().get(i);
                final memory layerSrc = src;
                final memory layerSrcDiff = srcDiff;
                final int index = i;
                if (layer instanceof LayerSpec.Conv conv) {
                    long oh = conv.out(h);
                    long ow = conv.out(w);
                    long[] strides = {conv.stride(), conv.stride()};
                    long[] pad = {conv.padBefore(h), conv.padBefore(w)};
                    long[] padAfter = {conv.padAfter(h), conv.padAfter(w)};
                    memory.desc biasDesc = Dnnl.desc(memory.format_tag.x, conv.filters());
                    memory.desc weightHint = parameters[i] != null ? parameters[i].weightDesc()
                            : Dnnl.desc(memory.format_tag.any, conv.filters(), c, conv.kernel(), conv.kernel());
                    convolution_forward.primitive_desc fwd = new convolution_forward.primitive_desc(
                            new convolution_forward.desc(prop_kind.forward_training, algorithm.convolution_direct,
                                    layerSrc.get_desc(), weightHint, biasDesc,
                                    Dnnl.desc(memory.format_tag.any, n, conv.filters(), oh, ow), strides, pad, padAfter),
                            reluAttr(), eng);
                    Parameters p = parametersFor(i, fwd.weights_desc(),
                            Dnnl.desc(memory.format_tag.oihw, conv.filters(), c, conv.kernel(), conv.kernel()), biasDesc);
                    memory dst = new memory(fwd.dst_desc(), eng);
                    add(new convolution_forward(fwd), Dnnl.args(DNNL_ARG_SRC, layerSrc, DNNL_ARG_WEIGHTS, p.weights,
                            DNNL_ARG_BIAS, p.bias, DNNL_ARG_DST, dst));
                    memory dstDiff = new memory(fwd.dst_desc(), eng);
                    backwardBuilders.add(() -> {
                        memory.desc d = fwd.dst_desc();
                        eltwise_forward.primitive_desc reluHint = new eltwise_forward.primitive_desc(
                                new eltwise_forward.desc(prop_kind.forward_training, algorithm.eltwise_relu_use_dst_for_bwd, d, 0f, 0f), eng);
                        addBackward(new eltwise_backward(new eltwise_backward.primitive_desc(
                                new eltwise_backward.desc(algorithm.eltwise_relu_use_dst_for_bwd, d, d, 0f, 0f), eng, reluHint)),
                                Dnnl.args(DNNL_ARG_DST, dst, DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_DIFF_SRC, dstDiff));
                        convolution_backward_weights.primitive_desc bw = new convolution_backward_weights.primitive_desc(
                                new convolution_backward_weights.desc(algorithm.convolution_direct, layerSrc.get_desc(),
                                        p.weightDesc(), biasDesc, d, strides, pad, padAfter), eng, fwd);
                        requireSame(bw.diff_weights_desc(), p.weightDesc(), "convolution weight gradient");
                        addBackward(new convolution_backward_weights(bw), Dnnl.args(DNNL_ARG_SRC, layerSrc,
                                DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_DIFF_WEIGHTS, p.weightGradient, DNNL_ARG_DIFF_BIAS, p.biasGradient));
                        if (layerSrcDiff != null) {
                            // The fast backward-data kernels want their own weight layout (the forward one
                            // would fall back to oneDNN's reference code, 1000x slower): reorder the small
                            // weight tensor each step rather than the large activations.
                            convolution_backward_data.primitive_desc bd = new convolution_backward_data.primitive_desc(
                                    new convolution_backward_data.desc(algorithm.convolution_direct, layerSrcDiff.get_desc(),
                                            Dnnl.desc(memory.format_tag.any, conv.filters(), p.weightDesc().dims().get(1),
                                                    conv.kernel(), conv.kernel()), d, strides, pad, padAfter), eng, fwd);
                            memory weights = p.weights;
                            if (!bd.weights_desc().equals(p.weightDesc())) {
                                weights = new memory(bd.weights_desc(), eng);
                                addBackward(new reorder(p.weights, weights), Dnnl.args(DNNL_ARG_FROM, p.weights, DNNL_ARG_TO, weights));
                            }
                            addBackward(new convolution_backward_data(bd), Dnnl.args(DNNL_ARG_DIFF_DST, dstDiff,
                                    DNNL_ARG_WEIGHTS, weights, DNNL_ARG_DIFF_SRC, layerSrcDiff));
                        }
                    });
                    src = dst;
                    srcDiff = dstDiff;
                    c = conv.filters();
                    h = oh;
                    w = ow;
                } else if (layer instanceof LayerSpec.MaxPool pool) {
                    long oh = (h - pool.kernel()) / pool.stride() + 1;
                    long ow = (w - pool.kernel()) / pool.stride() + 1;
                    long[] strides = {pool.stride(), pool.stride()};
                    long[] kernel = {pool.kernel(), pool.kernel()};
                    long[] pad = {0, 0};
                    pooling_forward.primitive_desc fwd = new pooling_forward.primitive_desc(
                            new pooling_forward.desc(prop_kind.forward_training, algorithm.pooling_max, layerSrc.get_desc(),
                                    Dnnl.desc(memory.format_tag.any, n, c, oh, ow), strides, kernel, pad, pad), eng);
                    memory dst = new memory(fwd.dst_desc(), eng);
                    memory workspace = new memory(fwd.workspace_desc(), eng);
                    add(new pooling_forward(fwd), Dnnl.args(DNNL_ARG_SRC, layerSrc, DNNL_ARG_DST, dst, DNNL_ARG_WORKSPACE, workspace));
                    memory dstDiff = new memory(fwd.dst_desc(), eng);
                    if (layerSrcDiff != null) {
                        backwardBuilders.add(() -> addBackward(new pooling_backward(new pooling_backward.primitive_desc(
                                new pooling_backward.desc(algorithm.pooling_max, layerSrcDiff.get_desc(), fwd.dst_desc(),
                                        strides, kernel, pad, pad), eng, fwd)),
                                Dnnl.args(DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_WORKSPACE, workspace, DNNL_ARG_DIFF_SRC, layerSrcDiff)));
                    } else {
                        backwardBuilders.add(() -> { });
                    }
                    src = dst;
                    srcDiff = dstDiff;
                    h = oh;
                    w = ow;
                } else {
                    LayerSpec.Dense dense = (LayerSpec.Dense) layer;
                    outputs = dense.outputs();
                    memory.desc biasDesc = Dnnl.desc(memory.format_tag.x, outputs);
                    memory.desc dstDesc = Dnnl.desc(memory.format_tag.nc, n, outputs);
                    memory.desc weightHint = parameters[i] != null ? parameters[i].weightDesc()
                            : Dnnl.desc(memory.format_tag.any, outputs, c, h, w);
                    inner_product_forward.primitive_desc fwd = new inner_product_forward.primitive_desc(
                            new inner_product_forward.desc(prop_kind.forward_training, layerSrc.get_desc(), weightHint, biasDesc, dstDesc), eng);
                    // DL4J flattens NCHW activations channel-first, so its [c*h*w, out] weights are OIHW here.
                    Parameters p = parametersFor(i, fwd.weights_desc(), Dnnl.desc(memory.format_tag.oihw, outputs, c, h, w), biasDesc);
                    logitsMem = new memory(dstDesc, eng);
                    logitGradientMem = new memory(dstDesc, eng);
                    final memory dstDiff = logitGradientMem;
                    add(new inner_product_forward(fwd), Dnnl.args(DNNL_ARG_SRC, layerSrc, DNNL_ARG_WEIGHTS, p.weights,
                            DNNL_ARG_BIAS, p.bias, DNNL_ARG_DST, logitsMem));
                    backwardBuilders.add(() -> {
                        inner_product_backward_weights.primitive_desc bw = new inner_product_backward_weights.primitive_desc(
                                new inner_product_backward_weights.desc(layerSrc.get_desc(), p.weightDesc(), biasDesc, dstDesc), eng, fwd);
                        requireSame(bw.diff_weights_desc(), p.weightDesc(), "dense weight gradient");
                        addBackward(new inner_product_backward_weights(bw), Dnnl.args(DNNL_ARG_SRC, layerSrc,
                                DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_DIFF_WEIGHTS, p.weightGradient, DNNL_ARG_DIFF_BIAS, p.biasGradient));
                        if (layerSrcDiff != null) {
                            addBackward(new inner_product_backward_data(new inner_product_backward_data.primitive_desc(
                                    new inner_product_backward_data.desc(layerSrcDiff.get_desc(), p.weightDesc(), dstDesc), eng, fwd)),
                                    Dnnl.args(DNNL_ARG_DIFF_DST, dstDiff, DNNL_ARG_WEIGHTS, p.weights, DNNL_ARG_DIFF_SRC, layerSrcDiff));
                        }
                    });
                }
            }
            for (int i = backwardBuilders.size() - 1; i >= 0; i--) {
                backwardBuilders.get(i).run(); // backprop runs from the output layer down
            }
            this.classes = outputs;
            this.logits = Dnnl.floats(logitsMem);
            this.logitGradient = Dnnl.floats(logitGradientMem);
        }

        private void add(primitive p, IntMemoryMap args) {
            forward.add(p);
            forwardArgs.add(args);
        }

        private void addBackward(primitive p, IntMemoryMap args) {
            backward.add(p);
            backwardArgs.add(args);
        }

        void gather(FloatBuffer images, int[] rows, int from, int to) {
            for (int i = from; i < to; i++) {
                inputValues.put((i - from) * pixels, images, rows[i] * pixels, pixels);
            }
        }

        void gatherRange(FloatBuffer images, int from) {
            inputValues.put(0, images, from * pixels, n * pixels);
        }

        void forward() {
            for (int i = 0; i < forward.size(); i++) {
                forward.get(i).execute(strm, forwardArgs.get(i));
            }
        }

        void backward() {
            for (int i = 0; i < backward.size(); i++) {
                backward.get(i).execute(strm, backwardArgs.get(i));
            }
        }

        /** Loss and accuracy of the batch, and the mean loss's gradient with respect to the logits. */
        double[] softmaxCrossEntropy(int[] labels, int[] rows, int from) {
            double lossSum = 0;
            int correct = 0;
            float[] p = new float[classes];
            for (int r = 0; r < n; r++) {
                int label = labels[rows[from + r]];
                softmax(r, p);
                correct += Metrics.argmax(p) == label ? 1 : 0;
                lossSum += Metrics.crossEntropy(p[label]);
                for (int j = 0; j < classes; j++) {
                    logitGradient.put(r * classes + j, (p[j] - (j == label ? 1f : 0f)) / n);
                }
            }
            return new double[] {lossSum, correct};
        }

        float[][] probabilities() {
            float[][] out = new float[n][classes];
            for (int r = 0; r < n; r++) {
                softmax(r, out[r]);
            }
            return out;
        }

        /** Softmax of row {@code r} of the logits into {@code p}; returns the argmax. */
        private int softmax(int r, float[] p) {
            int base = r * classes;
            int best = 0;
            float max = logits.get(base);
            for (int j = 1; j < classes; j++) {
                if (logits.get(base + j) > max) {
                    max = logits.get(base + j);
                    best = j;
                }
            }
            float sum = 0;
            for (int j = 0; j < classes; j++) {
                p[j] = (float) Math.exp(logits.get(base + j) - max);
                sum += p[j];
            }
            for (int j = 0; j < classes; j++) {
                p[j] /= sum;
            }
            return best;
        }
    }

    private Parameters parametersFor(int layer, memory.desc chosen, memory.desc plain, memory.desc biasDesc) {
        if (parameters[layer] == null) {
            parameters[layer] = new Parameters(eng, chosen, plain, biasDesc);
        } else {
            requireSame(chosen, parameters[layer].weightDesc(), "weight layout");
        }
        return parameters[layer];
    }

    private static void requireSame(memory.desc actual, memory.desc expected, String what) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException("oneDNN chose a different " + what + " for another batch size");
        }
    }

    private static primitive_attr reluAttr() {
        post_ops ops = new post_ops();
        ops.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
        primitive_attr attr = new primitive_attr();
        attr.set_post_ops(ops);
        return attr;
    }
}
