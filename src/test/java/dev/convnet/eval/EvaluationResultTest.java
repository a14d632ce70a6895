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

    /**
     * scikit-learn's report lists and averages the classes that are a true or a predicted class:
     * pictures of 0 and 2 only, all right but one 2 taken for a 1, give a macro recall of
     * (1 + 0 + 2/3) / 3 = 0.5556 over the classes 0, 1 and 2, not the same sum over ten classes.
     */
    @Test
    void theReportAveragesOverTheClassesThatOccur() {
        long[][] confusion = new long[10][10];
        confusion[0][0] = 3;
        confusion[2][2] = 2;
        confusion[2][1] = 1;
        EvaluationResult pictures = new EvaluationResult(0, confusion);
        assertEquals(java.util.List.of(0, 1, 2), java.util.stream.IntStream.range(0, 10).filter(pictures::occurs).boxed().toList());
        String report = dev.convnet.report.EvaluationReport.perClass(pictures,
                java.util.stream.IntStream.range(0, 10).mapToObj(String::valueOf).toList());
        String macro = report.lines().filter(l -> l.startsWith("macro avg")).findFirst().orElseThrow();
        // precision: 0 → 1, 1 → 0 (one picture predicted as 1, wrongly), 2 → 1; recall: 1, 0, 2/3
        String[] figures = macro.substring("macro avg".length()).trim().split("\\s+");
        assertEquals("0.6667", figures[0], report);
        assertEquals("0.5556", figures[1], report);
        assertEquals(4 + 1, report.lines().count() - 1, "header, three classes, accuracy and macro rows: " + report);
    }
}
