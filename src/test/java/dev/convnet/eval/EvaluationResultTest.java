package dev.convnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvaluationResultTest {
    // 3 classes; rows are true classes, columns predictions.
    private final EvaluationResult result = new EvaluationResult(0.5, new long[][] {
        {8, 2, 0},
        {1, 7, 2},
        {0, 0, 10},
    });

    @Test
    void accuracyCountsTheDiagonal() {
        assertEquals(30, result.total());
        assertEquals(25, result.correct());
        assertEquals(25.0 / 30, result.accuracy(), 1e-12);
    }

    @Test
    void perClassMetricsFollowTheirDefinitions() {
        assertEquals(8.0 / 9, result.precision(0), 1e-12);
        assertEquals(8.0 / 10, result.recall(0), 1e-12);
        assertEquals(2 * (8.0 / 9) * 0.8 / (8.0 / 9 + 0.8), result.f1(0), 1e-12);
        assertEquals(10.0 / 12, result.precision(2), 1e-12);
        assertEquals(1.0, result.recall(2), 1e-12);
        assertEquals(10, result.support(1));
    }

    @Test
    void classNeverPredictedHasZeroPrecision() {
        EvaluationResult none = new EvaluationResult(0, new long[][] {{3, 0}, {2, 0}});
        assertEquals(0.0, none.precision(1));
        assertEquals(0.0, none.f1(1));
    }
}
