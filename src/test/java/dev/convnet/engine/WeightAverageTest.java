package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelType;
import dev.convnet.model.Padding;
import dev.convnet.platform.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Backend#averageWeights} on both engines against Keras' formula
 * ({@code keras/src/optimizers/base_optimizer.py}, {@code _update_model_variables_moving_average}):
 * the average is the weights after a run's first step, then {@code momentum * average + (1 -
 * momentum) * weights} after each step; moving statistics are not averaged; the optimiser's own
 * weights are those of a run without averaging, step for step.
 */
class WeightAverageTest {
    private static final float MOMENTUM = 0.9f; // Keras' default is 0.99; 0.9 moves the average visibly in four steps
    private static final Set<String> MOVING_STATISTICS = Set.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
            BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
    private static LabeledImages train;

    @BeforeAll
    static void load() {
        NativeRuntime.start();
        train = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 512);
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"ONEDNN", "DL4J"})
    void averageFollowsKerasFormulaAndLeavesTrainingAlone(Engine engine) {
        Architecture withBatchNorm = new Architecture(ModelType.CONVNET, List.of(8, 16), 3, 1, Padding.VALID).withBatchNorm(true);
        for (Architecture arch : List.of(Architecture.BOOK, withBatchNorm)) {
            List<float[]> plain = new ArrayList<>(); // the weights after each step of a run without averaging
            ComputationGraph plainGraph = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
            try (Backend backend = engine.open(plainGraph, 64)) {
                for (int step = 0; step < 4; step++) {
                    backend.train(batch(step));
                    backend.sync();
                    plain.add(plainGraph.params().dup().reshape(-1).toFloatVector());
                }
                assertNull(backend.trainingWeights(), "without averaging there are no separate training weights");
            }

            ComputationGraph graph = ConvNetModel.create(arch, new Hyperparameters(0.001, 42));
            boolean[] statistic = movingStatistics(graph);
            try (Backend backend = engine.open(graph, 64)) {
                backend.averageWeights(MOMENTUM, null);
                float[] expected = null;
                for (int step = 0; step < 4; step++) {
                    backend.train(batch(step));
                    expected = step == 0 ? plain.get(0).clone() : average(expected, plain.get(step));
                    if (step == 1 || step == 3) { // a sync in between: the next step goes on from the training weights
                        backend.sync();
                        String where = engine + " " + arch.describe() + " after step " + (step + 1);
                        assertArrayEquals(plain.get(step), backend.trainingWeights(), where + ": training weights");
                        float[] graphValues = graph.params().dup().reshape(-1).toFloatVector();
                        for (int i = 0; i < expected.length; i++) {
                            float want = statistic[i] ? plain.get(step)[i] : expected[i];
                            assertEquals(want, graphValues[i], 2e-6f * Math.max(1, Math.abs(want)), where + ", parameter " + i);
                        }
                    }
                }
                assertTrue(differs(plain.get(3), graph.params().dup().reshape(-1).toFloatVector(), statistic),
                        "the average is not the last weights");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"ONEDNN", "DL4J"})
    void refusesMomentumOutOfRangeAndTrainingWeightsOfAnotherSize(Engine engine) {
        ComputationGraph graph = ConvNetModel.create(Architecture.BOOK, new Hyperparameters(0.001, 1));
        try (Backend backend = engine.open(graph, 64)) {
            assertThrows(IllegalArgumentException.class, () -> backend.averageWeights(1, null));
            assertThrows(IllegalArgumentException.class, () -> backend.averageWeights(Double.NaN, null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.averageWeights(0.99, new float[10]));
            assertTrue(e.getMessage().contains("10 values for a network of 104202 parameters"), e.getMessage());
        }
    }

    private static float[] average(float[] average, float[] weights) {
        float[] next = new float[average.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = MOMENTUM * average[i] + (1 - MOMENTUM) * weights[i];
        }
        return next;
    }

    private static Batch batch(int step) {
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 7) % order.length;
        }
        return new Batch(train, order, step * 64, step * 64 + 64);
    }

    /** Which entries of the flat parameter vector are BatchNormalization's moving mean and variance. */
    private static boolean[] movingStatistics(ComputationGraph graph) {
        ComputationGraph marked = graph.clone();
        marked.params().assign(0);
        for (Layer layer : marked.getLayers()) {
            layer.paramTable().forEach((key, view) -> {
                if (MOVING_STATISTICS.contains(key)) {
                    view.assign(1);
                }
            });
        }
        float[] marks = marked.params().dup().reshape(-1).toFloatVector();
        boolean[] statistic = new boolean[marks.length];
        for (int i = 0; i < marks.length; i++) {
            statistic[i] = marks[i] == 1;
        }
        return statistic;
    }

    private static boolean differs(float[] a, float[] b, boolean[] skip) {
        for (int i = 0; i < a.length; i++) {
            if (!skip[i] && Math.abs(a[i] - b[i]) > 1e-5f) {
                return true;
            }
        }
        return false;
    }
}
