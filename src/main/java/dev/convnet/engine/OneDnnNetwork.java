package dev.convnet.engine;


import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
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
 *
 * <p>BatchNormalization runs as oneDNN's batch_normalization (a ReLU after it fused in, its moving
 * statistics updated in Java as Keras does, see {@link BatchNormStage}) and Dropout as a mask drawn in Java,
 * seeded from the model's seed and iteration count, applied by binary_mul ({@link DropoutStage}).
 */
public final class OneDnnNetwork implements AutoCloseable {
    private final NetworkSpec spec;
    private final engine eng = new engine(engine.kind.cpu, 0);
    private final stream strm = new stream(eng);
    private final ParameterSlot[] slots;
    /** Each BatchNormalization layer's moving mean and variance (null for other layers), made by the first plan. */
    private final MovingStatistics[] statistics;
    /** Draws the dropout masks; seeded from the model's seed and iteration count in {@link #loadFrom}. */
    private SplittableRandom dropoutRandom = new SplittableRandom(0);
    private final Precision precision;
    private final boolean fastPaths;
    private final Map<Integer, Plan> trainingPlans = new HashMap<>();
    private final Map<Integer, Plan> inferencePlans = new HashMap<>();
    /** The largest inference plan: a power of two, at least the batch size the network was opened for. */
    private final int maxInferenceBatch;
    private final float learningRate;
    private final float rho;
    private final float epsilon;
    private final int pixels;
    /**
     * oneDNN (as built here, without concurrent execution) gives each thread its own scratchpad and
     * sizes it when a primitive is created: a primitive run on another thread reads past a buffer
     * and crashes the JVM. So the thread that builds the network is the only one that may run it.
     */
    private final Thread owner = Thread.currentThread();
    private long steps;
    private String notice;
    /** Changes whenever the master weights do: each training step, and loading. */
    private long weightsVersion;
    private boolean measureNext;
    /** Keras' {@code ema_momentum} while the weights are averaged ({@link #averageWeights}), else negative. */
    private float averageMomentum = -1;
    /** Keras' first step of a run: the average becomes the weights, whatever the momentum. */
    private boolean averageFromNextStep;
    /** The optimiser's own weights as of the last {@link #copyTo}, in the graph's flat order; null without averaging. */
    private float[] trainingWeights;
    private List<UpdateRatio> updateRatios = List.of();

    private OneDnnNetwork(NetworkSpec spec, Precision precision, boolean fastPaths, int batch) {
        this.spec = spec;
        this.maxInferenceBatch = powerOfTwoAtLeast(batch);
        this.precision = precision;
        this.fastPaths = fastPaths;
        this.slots = new ParameterSlot[spec.layers().size()];
        this.statistics = new MovingStatistics[spec.layers().size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new ParameterSlot();
        }
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
        return of(graph, channels, height, width, batch, Precision.FP32);
    }

    /**
     * As {@link #of(ComputationGraph, int, int, int, int)}, training in {@code precision}.
     *
     * @throws EngineUnavailableException when this CPU cannot run {@code precision}, saying so in one line
     */
    public static OneDnnBuild of(ComputationGraph graph, int channels, int height, int width, int batch,
                                 Precision precision) {
        return of(graph, channels, height, width, batch, precision, true);
    }

    /**
     * As above; {@code fastPaths = false} keeps every convolution oneDNN's direct one, as DL4J's
     * are (no Winograd, no {@link GemmWeightGradient}), for the test that compares training steps
     * with DL4J's bit for bit and the tests of the fast paths (Winograd's different rounding
     * flips the sign of some near-zero gradients, and RMSprop's first steps move a weight by the
     * same amount whatever its gradient's size).
     */
    static OneDnnBuild of(ComputationGraph graph, int channels, int height, int width, int batch,
                          Precision precision, boolean fastPaths) {
        return of(graph, channels, height, width, batch, precision, fastPaths, true);
    }

    /**
     * A oneDNN twin of {@code graph} for inference only: its first plan is a forward_inference one
     * for {@code maxBatch} images, and no training buffers are made unless {@link #trainStep} is called.
     */
    public static OneDnnBuild forInference(ComputationGraph graph, int channels, int height, int width, int maxBatch,
                                           Precision precision) {
        return of(graph, channels, height, width, maxBatch, precision, true, false);
    }

    /**
     * As above, with the first plan a training one ({@code training}) or an inference one. A plan
     * in which oneDNN would run any primitive with its reference code (see {@link Kernel#isReference})
     * is not used: in bf16 the network is built in float32 instead, with {@link #notice()} saying why
     * (the backend's name carries it); in float32 the build is declined, so that {@link Engine#AUTO}
     * runs DL4J, named with the reason.
     */
    static OneDnnBuild of(ComputationGraph graph, int channels, int height, int width, int batch,
                          Precision precision, boolean fastPaths, boolean training) {
        String unavailable = precision.unavailableReason();
        if (unavailable != null) {
            throw EngineUnavailableException.namingItsOption(unavailable);
        }
        NetworkSpec.Reading reading = NetworkSpec.of(graph, channels, height, width);
        if (reading instanceof NetworkSpec.Unsupported unsupported) {
            return new OneDnnBuild.Declined(unsupported.reason());
        }
        NetworkSpec spec = ((NetworkSpec.Supported) reading).spec();
        OneDnnNetwork net = new OneDnnNetwork(spec, precision, fastPaths, batch);
        // The first plan fixes the weight layouts for all batch sizes.
        Kernel reference = net.referenceKernel(net.unguardedPlan(batch, training));
        if (reference != null) {
            net.close();
            String why = "oneDNN " + Dnnl.version() + " has only its reference code for " + reference + " at "
                    + Dnnl.isaName() + " here";
            if (precision == Precision.FP32) {
                return new OneDnnBuild.Declined(why);
            }
            OneDnnBuild fallback = of(graph, channels, height, width, batch, Precision.FP32, fastPaths, training);
            if (fallback instanceof OneDnnBuild.Built built) {
                built.network().notice = "--precision " + precision.id() + ": " + why + ", so this runs in float32";
            }
            return fallback;
        }
        net.loadFrom(graph);
        return new OneDnnBuild.Built(net);
    }

    /**
     * Why this network runs in another precision than the one asked for (one line), or null when
     * it runs as asked.
     */
    public String notice() {
        return notice;
    }

    /**
     * The implementation oneDNN chose for every primitive of the plan for {@code batch} images,
     * training or inference, in execution order (the plan is built if it was not yet).
     */
    public List<Kernel> kernels(int batch, boolean training) {
        requireOwnerThread();
        return List.copyOf(unguardedPlan(batch, training).kernels);
    }

    /** Makes the inference plans for every power of two up to the largest, so that none is built while serving. */
    public void prepareInference() {
        requireOwnerThread();
        for (int b = 1; b <= maxInferenceBatch; b *= 2) {
            inferencePlan(b);
        }
    }

    /**
     * Layer {@code layer}'s weight gradient of the last step, in DL4J's plain layout (for tests);
     * gamma's for a BatchNormalization.
     */
    float[] weightGradient(int layer) {
        return slots[layer].get().plainWeightGradient(eng, strm);
    }

    /** Layer {@code layer}'s bias gradient of the last step (beta's for a BatchNormalization), for tests. */
    float[] biasGradient(int layer) {
        return slots[layer].get().plainBiasGradient();
    }

    /**
     * The mask Dropout layer {@code layer} applied in the last training step of {@code batch} images,
     * in the plain NCHW order of the activations ({@code [batch, c*h*w]}, as DL4J flattens them): each
     * value 0 or {@code 1 / (1 - rate)}. For tests.
     */
    float[] dropoutMask(int layer, int batch) {
        return plain(trainingPlans.get(batch).masks.get(layer), trainingPlans.get(batch).inputShapes.get(layer), batch);
    }

    /**
     * What layer {@code layer} read ({@code output} false) or wrote ({@code output} true) in the last
     * training step of {@code batch} images, in plain NCHW order; with {@code gradient}, the loss's
     * gradient with respect to it instead. For tests.
     */
    float[] trainingValues(int layer, int batch, boolean output, boolean gradient) {
        Plan plan = trainingPlans.get(batch);
        Stage stage = plan.stages.get(output ? layer : layer - 1);
        ActivationShape shape = output ? spec.layers().get(layer).outputShape(plan.inputShapes.get(layer)) : plan.inputShapes.get(layer);
        memory m = gradient ? stage.dstDiff() : stage.dst();
        return plain(m, shape, batch);
    }

    private float[] plain(memory m, ActivationShape shape, int batch) {
        memory plain = new memory(Dnnl.desc(memory.format_tag.nchw, batch, shape.channels(), shape.height(), shape.width()), eng);
        memory.desc desc = m.get_desc();
        memory source = m;
        if (desc.data().ndims() == 2) { // the dense layer's [n, classes]
            plain = new memory(Dnnl.desc(memory.format_tag.nc, batch, shape.channels()), eng);
        }
        new org.bytedeco.dnnl.reorder(source, plain).execute(strm, source, plain);
        strm._wait();
        float[] out = new float[(int) (batch * shape.size())];
        Dnnl.floats(plain).get(0, out);
        return out;
    }

    /** The number format this network trains in. */
    public Precision precision() {
        return precision;
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
     * @return the summed loss and the number correct over the batch, before the update
     */
    public StepResult trainStep(FloatBuffer images, int[] classes, int[] rows, int from, int to) {
        requireOwnerThread();
        Plan plan = guarded(trainingPlans.computeIfAbsent(to - from, b -> new Plan(b, true)));
        plan.gather(images, rows, from, to);
        plan.forward();
        StepResult result = plan.softmaxCrossEntropy(classes, rows, from);
        plan.backward();
        List<UpdateRatio> measured = measureNext ? new ArrayList<>() : null;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i].isBound()) {
                slots[i].get().rmsPropUpdate(learningRate, rho, epsilon);
                if (averageMomentum >= 0) {
                    slots[i].get().updateAverage(averageFromNextStep ? 0 : averageMomentum);
                }
                if (measured != null) {
                    double[] squares = slots[i].get().lastUpdateSquares(learningRate, epsilon);
                    measured.add(UpdateRatio.of(spec.layers().get(i).name(), squares[0], squares[1]));
                }
            }
        }
        if (measured != null) {
            updateRatios = List.copyOf(measured);
            measureNext = false;
        }
        averageFromNextStep = false;
        steps++;
        weightsVersion++;
        return result;
    }

    /**
     * Asks the next {@link #trainStep} to measure each layer's {@link UpdateRatio} from the update it
     * applies (one more pass over the layer's own arrays), with no copy of the weights and no sync.
     */
    public void measureNextUpdate() {
        requireOwnerThread();
        measureNext = true;
    }

    /** The ratios of the last measured step, one per layer with weights, in layer order; empty before any. */
    public List<UpdateRatio> updateRatios() {
        return updateRatios;
    }

    /**
     * Class probabilities for images {@code from..to} (in order), {@code [to-from][classes]}, by
     * forward_inference plans: in passes of the largest plan's size, then one pass of the smallest
     * power of two that holds the rest (so 8 images cost what 8 cost, not what a full batch costs,
     * and at most log2(largest)+1 plans are ever built).
     */
    public float[][] predict(FloatBuffer images, int from, int to) {
        requireOwnerThread();
        float[][] out = new float[to - from][];
        for (int start = from; start < to; ) {
            int count = Math.min(maxInferenceBatch, to - start);
            Plan plan = inferencePlan(powerOfTwoAtLeast(count));
            plan.gatherRange(images, start, count);
            plan.forward();
            plan.probabilities(out, start - from, count);
            start += count;
        }
        return out;
    }

    /**
     * From the next step on, keeps an exponential moving average of the weights, biases and
     * BatchNormalization's gamma and beta (Keras' {@code use_ema}; the moving statistics are not
     * trained and are not averaged): after each step {@code average = momentum * average + (1 -
     * momentum) * weight}, and on a run's very first step (the graph's iteration count 0) the average
     * is the weights, as Keras' {@code _update_model_variables_moving_average} does.
     * {@link #copyTo} then writes the average into the graph, and {@link #trainingWeights} keeps the
     * weights the optimiser steps.
     *
     * @param momentum Keras' {@code ema_momentum}, in [0, 1)
     * @param graph the graph this network was built from; its weights are the average so far
     * @param trainingWeights the optimiser's weights in the graph's flat order (saved by an earlier
     *     {@link #trainingWeights}), or null to step from the graph's own
     */
    public void averageWeights(float momentum, ComputationGraph graph, float[] trainingWeights) {
        requireOwnerThread();
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("ema momentum must be at least 0 and below 1, got " + momentum);
        }
        INDArray training = trainingWeights == null ? null : Nd4j.createFromArray(trainingWeights);
        if (training != null && training.length() != graph.numParams()) {
            throw new IllegalArgumentException("training weights: " + training.length() + " values for a network of "
                    + graph.numParams() + " parameters");
        }
        forEachLayerWithParameters(graph, (p, w, b) -> p.startAverage(eng, strm,
                training == null ? null : read(training, w, p.weightCount()),
                training == null ? null : read(training, b, p.biasCount())));
        averageMomentum = momentum;
        averageFromNextStep = graph.getConfiguration().getIterationCount() == 0 && steps == 0;
        weightsVersion++;
    }

    /**
     * With {@link #averageWeights}, the weights the optimiser steps as of the last {@link #copyTo}, in
     * the graph's flat parameter order (what a checkpoint keeps to resume); null without.
     */
    public float[] trainingWeights() {
        return trainingWeights == null ? null : trainingWeights.clone();
    }

    /**
     * Writes weights (their moving average, with {@link #averageWeights}), biases,
     * BatchNormalization's gamma, beta and moving statistics, and the RMSprop state back into
     * {@code graph}, and advances its iteration count.
     */
    public void copyTo(ComputationGraph graph) {
        INDArray params = graph.params().reshape(-1);
        INDArray state = updaterState(graph);
        INDArray training = averageMomentum >= 0 ? Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, params.length()) : null;
        forEachLayerWithParameters(graph, (p, w, b) -> {
            float[] weights = p.plainWeights(eng, strm);
            float[] bias = p.plainBias();
            if (training != null) {
                write(training, w, weights);
                write(training, b, bias);
                weights = p.plainAverageWeights(eng, strm);
                bias = p.plainAverageBias();
            }
            write(params, w, weights);
            write(params, b, bias);
            write(state, stateOffset(graph, w), p.plainWeightCache(eng, strm));
            write(state, stateOffset(graph, b), p.plainBiasCache());
        });
        forEachBatchNorm(graph, (m, mean, variance) -> {
            write(params, mean, m.mean());
            write(params, variance, m.variance());
            if (training != null) {
                write(training, mean, m.mean());
                write(training, variance, m.variance());
            }
        });
        if (training != null) {
            trainingWeights = training.toFloatVector();
        }
        graph.getConfiguration().setIterationCount(graph.getConfiguration().getIterationCount() + (int) steps);
        steps = 0;
    }

    private void requireOwnerThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a oneDNN network runs only on the thread that built it (" + owner.getName()
                    + "), not on " + Thread.currentThread().getName() + ": open one per thread, or hand the work to that thread");
        }
    }

    @Override
    public void close() {
        trainingPlans.clear();
        inferencePlans.clear();
        strm.close();
        eng.close();
    }

    private void loadFrom(ComputationGraph graph) {
        INDArray params = graph.params().reshape(-1);
        INDArray state = updaterState(graph);
        forEachLayerWithParameters(graph, (p, w, b) -> p.load(eng, strm,
                read(params, w, p.weightCount()), read(params, b, p.biasCount()),
                read(state, stateOffset(graph, w), p.weightCount()), read(state, stateOffset(graph, b), p.biasCount())));
        forEachBatchNorm(graph, (m, mean, variance) -> m.load(read(params, mean, m.channels()),
                read(params, variance, m.channels())));
        // a resumed run draws other masks than the run's first epochs did
        long seed = graph.getConfiguration().getDefaultConfiguration().getSeed();
        dropoutRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + graph.getConfiguration().getIterationCount());
        weightsVersion++;
    }

    /**
     * Visits each layer's parameters with the offsets of its weights and bias in the graph's flat
     * vector: a BatchNormalization's gamma and beta are its weights and bias.
     */
    private void forEachLayerWithParameters(ComputationGraph graph, ParameterVisitor visitor) {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i].isBound()) {
                LayerSpec layer = spec.layers().get(i);
                String name = layer.name();
                boolean norm = layer instanceof LayerSpec.BatchNorm;
                visitor.visit(slots[i].get(), offset(graph, name + (norm ? "_gamma" : "_W")),
                        offset(graph, name + (norm ? "_beta" : "_b")));
            }
        }
    }

    private interface ParameterVisitor {
        void visit(Parameters parameters, long weightOffset, long biasOffset);
    }

    /** Visits each BatchNormalization's moving statistics with the offsets of DL4J's mean and var parameters. */
    private void forEachBatchNorm(ComputationGraph graph, StatisticsVisitor visitor) {
        for (int i = 0; i < statistics.length; i++) {
            if (statistics[i] != null) {
                String name = spec.layers().get(i).name();
                visitor.visit(statistics[i], offset(graph, name + "_mean"), offset(graph, name + "_var"));
            }
        }
    }

    private interface StatisticsVisitor {
        void visit(MovingStatistics statistics, long meanOffset, long varianceOffset);
    }

    /** The graph's updater state: RMSprop's cache of every parameter that has one (see {@link #stateOffset}). */
    private static INDArray updaterState(ComputationGraph graph) {
        ComputationGraphUpdater updater = graph.getUpdater(true);
        INDArray state = updater.getStateViewArray();
        long expected = stateSize(graph, Long.MAX_VALUE);
        if (state == null || state.length() != expected) {
            throw new IllegalStateException("unexpected RMSprop state size " + (state == null ? 0 : state.length())
                    + ", expected " + expected);
        }
        return state.reshape(-1);
    }

    /**
     * Where the updater state of the parameter at {@code paramOffset} (in the flat parameter vector)
     * starts. DL4J lays the state out in the parameters' order, each parameter taking what its
     * updater keeps: RMSprop one value per parameter, BatchNormalization's moving mean and variance
     * (updated without a gradient, DL4J's NoOp updater) none, so they shift every later offset.
     */
    static long stateOffset(ComputationGraph graph, long paramOffset) {
        return stateSize(graph, paramOffset);
    }

    /** The updater state that the parameters before {@code paramOffset} take. */
    private static long stateSize(ComputationGraph graph, long paramOffset) {
        long size = 0;
        for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
                long at = param.getValue().offset() - graph.params().offset();
                if (at < paramOffset) {
                    size += conf.getUpdaterByParam(param.getKey()).stateSize(param.getValue().length());
                }
            }
        }
        return size;
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

    private Plan inferencePlan(int batch) {
        return guarded(inferencePlans.computeIfAbsent(batch, b -> new Plan(b, false)));
    }

    private Plan unguardedPlan(int batch, boolean training) {
        return (training ? trainingPlans : inferencePlans).computeIfAbsent(batch, b -> new Plan(b, training));
    }

    /**
     * {@code plan}, unless oneDNN chose its reference code for one of its primitives. The first
     * plan was checked when the network was built (with a fallback); this catches another batch
     * size on a CPU where only that one has no fast kernel.
     */
    private Plan guarded(Plan plan) {
        Kernel reference = referenceKernel(plan);
        if (reference != null) {
            throw new EngineUnavailableException("oneDNN " + Dnnl.version() + " has only its reference code for " + reference
                    + " (batch " + plan.n + ") at " + Dnnl.isaName() + " here: use --engine dl4j");
        }
        return plan;
    }

    private Kernel referenceKernel(Plan plan) {
        return plan.kernels.stream().filter(Kernel::isReference).findFirst().orElse(null);
    }

    private static int powerOfTwoAtLeast(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** Every primitive and buffer for one batch size, created once and reused at every step. */
    private final class Plan {
        private final int n;
        private final FloatBuffer inputValues;
        private final Steps weightCopies = new Steps("network");
        /** The value of {@link #weightsVersion} whose weights {@link #weightCopies} last copied. */
        private long copiedVersion = -1;
        private final Steps forward = new Steps("network");
        private final Steps backward = new Steps("network"); // in execution order: the last layer's first
        private final FloatBuffer logits;
        private final FloatBuffer logitGradient;
        private final int classes;
        private final List<Kernel> kernels = new ArrayList<>();
        /** Each Dropout layer's mask memory (training plans), by layer index. */
        private final Map<Integer, memory> masks = new HashMap<>();
        /** Every layer's stage, in order. */
        private final List<Stage> stages = new ArrayList<>();
        /** The activations each layer reads, by layer index. */
        private final Map<Integer, ActivationShape> inputShapes = new HashMap<>();

        Plan(int n, boolean training) {
            this.n = n;
            StageContext ctx = new StageContext(eng, n, precision, fastPaths, training, weightCopies);
            ActivationShape shape = new ActivationShape(spec.channels(), spec.height(), spec.width());
            memory input = ctx.allocate(Dnnl.desc(memory.format_tag.nchw, n, shape.channels(), shape.height(), shape.width()));
            inputValues = Dnnl.floats(input);
            memory src = input;
            memory srcDiff = null; // gradient with respect to src; none for the network input
            List<LayerSpec> layers = spec.layers();
            for (int i = 0; i < layers.size(); i++) {
                LayerSpec layer = layers.get(i);
                inputShapes.put(i, shape);
                boolean poolNext = i + 1 < layers.size() && layers.get(i + 1) instanceof LayerSpec.MaxPool;
                boolean reluConvBefore = i > 0 && layers.get(i - 1) instanceof LayerSpec.Conv c && c.relu();
                Stage stage;
                if (layer instanceof LayerSpec.Conv conv) {
                    stage = ConvStage.build(ctx, conv, shape, src, srcDiff, slots[i], poolNext && conv.relu());
                } else if (layer instanceof LayerSpec.MaxPool pool) {
                    stage = PoolStage.build(ctx, pool, shape, src, srcDiff, reluConvBefore);
                } else if (layer instanceof LayerSpec.BatchNorm norm) {
                    if (statistics[i] == null) {
                        statistics[i] = new MovingStatistics(eng, shape.channels());
                    }
                    stage = BatchNormStage.build(ctx, norm, shape, src, srcDiff, slots[i], statistics[i]);
                } else if (layer instanceof LayerSpec.Dropout dropout) {
                    int index = i;
                    stage = DropoutStage.build(ctx, dropout, src, srcDiff, () -> dropoutRandom, m -> masks.put(index, m));
                } else {
                    stage = DenseStage.build(ctx, (LayerSpec.Dense) layer, shape, src, srcDiff, slots[i]);
                }
                stages.add(stage);
                forward.addAll(stage.forward());
                shape = layer.outputShape(shape);
                src = stage.dst();
                srcDiff = stage.dstDiff();
            }
            for (int i = stages.size() - 1; i >= 0; i--) {
                backward.addAll(stages.get(i).backward()); // backprop runs from the output layer down
            }
            kernels.addAll(weightCopies.kernels());
            kernels.addAll(forward.kernels());
            kernels.addAll(backward.kernels());
            this.classes = (int) shape.channels();
            this.logits = Dnnl.floats(src);
            this.logitGradient = training ? Dnnl.floats(srcDiff) : null;
        }

        void gather(FloatBuffer images, int[] rows, int from, int to) {
            for (int i = from; i < to; i++) {
                inputValues.put((i - from) * pixels, images, rows[i] * pixels, pixels);
            }
        }

        /** Images {@code from..from+count}; rows past {@code count} keep what they held (their results are not read). */
        void gatherRange(FloatBuffer images, int from, int count) {
            inputValues.put(0, images, from * pixels, count * pixels);
        }

        void forward() {
            if (copiedVersion != weightsVersion) {
                weightCopies.run(strm);
                copiedVersion = weightsVersion;
            }
            forward.run(strm);
        }

        void backward() {
            backward.run(strm);
        }

        /** Loss and accuracy of the batch, and the mean loss's gradient with respect to the logits. */
        StepResult softmaxCrossEntropy(int[] labels, int[] rows, int from) {
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
            return new StepResult(lossSum, correct);
        }

        /** The first {@code count} rows' class probabilities, into {@code out[at..at+count)}. */
        void probabilities(float[][] out, int at, int count) {
            for (int r = 0; r < count; r++) {
                out[at + r] = new float[classes];
                softmax(r, out[at + r]);
            }
        }

        /** Softmax of row {@code r} of the logits into {@code p}. */
        private void softmax(int r, float[] p) {
            int base = r * classes;
            float max = logits.get(base);
            for (int j = 1; j < classes; j++) {
                if (logits.get(base + j) > max) {
                    max = logits.get(base + j);
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
        }
    }
}
