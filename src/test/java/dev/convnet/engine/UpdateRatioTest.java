package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.platform.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The update/weight ratio the engines measure during a step (the live page's chart) must be the
 * ratio between two snapshots of the weights taken around that step, and measuring must not
 * change the step.
 */
class UpdateRatioTest {
    private static final int BATCH = 64;
    private static LabeledImages train;
    private static int[] order;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        train = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 4 * BATCH);
        order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 7) % order.length; // a fixed shuffle
        }
    }

    /**
     * Tolerance, from float32 rounding alone: the engine sums the squares of the update {@code u}
     * it subtracts, while the snapshots see {@code d = fl(w − u) − w}; per weight
     * {@code |d + u| ≤ 2⁻²⁴·|w_after|} (one rounding of the subtraction), so by the triangle
     * inequality the two norms differ by at most {@code 2⁻²⁴·‖w_after‖} and the two ratios by
     * {@code 2⁻²⁴} (a hair more for the 1/(1−2⁻²⁴) of a rounding's bound). Both sum in double:
     * n·2⁻⁵³ relative to the ratio, for n weights.
     */
    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"ONEDNN", "DL4J"})
    void theMeasuredRatioIsTheRatioBetweenSnapshotsOfTheWeights(Engine engine) {
        ComputationGraph graph = ConvNetModel.create(Architecture.BOOK, new Hyperparameters(0.001, 42));
        try (Backend backend = engine.open(graph, BATCH)) {
            assertTrue(backend.updateRatios().isEmpty(), "nothing measured yet");
            step(backend, 0);
            step(backend, 1); // past the first step, where RMSprop moves every weight by about the same amount
            backend.sync();
            List<float[]> before = kernels(graph);
            backend.measureNextUpdate();
            step(backend, 2);
            backend.sync();
            List<float[]> after = kernels(graph);

            List<UpdateRatio> measured = backend.updateRatios();
            assertEquals(layerNames(graph), measured.stream().map(UpdateRatio::layer).toList());
            for (int l = 0; l < measured.size(); l++) {
                double expected = snapshotRatio(before.get(l), after.get(l));
                double tolerance = Rounding.FP32 * (1 + Rounding.FP32) + expected * after.get(l).length * 0x1p-52;
                assertEquals(expected, measured.get(l).ratio(), tolerance, measured.get(l).layer());
                assertTrue(expected > 1e-5 && expected < 1, measured.get(l) + ": a step moves the weights a little");
            }

            step(backend, 3);
            assertEquals(measured, backend.updateRatios(), "an unmeasured step keeps the last measurement");
        }
    }

    /** The measured loop must store the very weights and RMSprop state the plain one stores. */
    @Test
    void measuringAStepLeavesTheStepAsItWas() {
        ComputationGraph plain = ConvNetModel.create(Architecture.BOOK, new Hyperparameters(0.001, 42));
        ComputationGraph measured = ConvNetModel.create(Architecture.BOOK, new Hyperparameters(0.001, 42));
        try (Backend a = Engine.ONEDNN.open(plain, BATCH); Backend b = Engine.ONEDNN.open(measured, BATCH)) {
            for (int s = 0; s < 3; s++) {
                step(a, s);
                if (s == 1) {
                    b.measureNextUpdate();
                }
                step(b, s);
            }
            a.sync();
            b.sync();
        }
        assertArrayEquals(plain.params().toFloatVector(), measured.params().toFloatVector());
        assertArrayEquals(plain.getUpdater(true).getStateViewArray().toFloatVector(),
                measured.getUpdater(true).getStateViewArray().toFloatVector());
    }

    private static void step(Backend backend, int step) {
        backend.train(new Batch(train, order, step * BATCH, (step + 1) * BATCH));
    }

    /** ‖after − before‖ / ‖after‖, in double, from two copies of a kernel. */
    private static double snapshotRatio(float[] before, float[] after) {
        double dd = 0;
        double ww = 0;
        for (int i = 0; i < after.length; i++) {
            double d = (double) after[i] - (double) before[i];
            dd += d * d;
            ww += (double) after[i] * after[i];
        }
        return Math.sqrt(dd) / Math.sqrt(ww);
    }

    private static List<float[]> kernels(ComputationGraph graph) {
        List<float[]> kernels = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            if (layer.numParams() > 0 && layer.getParam("W") != null) {
                kernels.add(layer.getParam("W").dup().data().asFloat());
            }
        }
        return kernels;
    }

    private static List<String> layerNames(ComputationGraph graph) {
        List<String> names = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            if (layer.numParams() > 0 && layer.getParam("W") != null) {
                names.add(layer.conf().getLayer().getLayerName());
            }
        }
        return names;
    }
}
