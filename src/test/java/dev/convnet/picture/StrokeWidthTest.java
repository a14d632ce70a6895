package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A hairline and a marker both reach the model with strokes of about MNIST's width. */
class StrokeWidthTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

    @Test
    void theEstimateOfAStraightStrokeIsItsWidth() {
        Plane bar = new Plane(80, 80);
        for (int y = 10; y < 70; y++) {
            for (int x = 36; x < 44; x++) {
                bar.values[y * 80 + x] = 1;
            }
        }
        assertEquals(8 * 60 * 2f / (2 * 60 + 2 * 8), StrokeWidth.estimate(bar), 1e-5f); // area 480, outline 136
    }

    /**
     * The estimate counts the outline from pairs of inked neighbours; here each side of each inked
     * pixel that faces no ink (or the edge) is counted one by one, on random planes of every density,
     * shape and edge contact, values right at the 0.5 threshold included.
     */
    @Test
    void theEstimateCountsEveryOutlineSide() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(17);
        for (int trial = 0; trial < 2_000; trial++) {
            int w = 1 + random.nextInt(40);
            int h = 1 + random.nextInt(40);
            double density = random.nextDouble();
            Plane p = new Plane(w, h);
            for (int i = 0; i < p.values.length; i++) {
                p.values[i] = random.nextDouble() < density ? (random.nextBoolean() ? 0.5f : 1f) : (random.nextBoolean() ? 0.49f : 0f);
            }
            long area = 0;
            long outline = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (inked(p, x, y)) {
                        area++;
                        outline += (inked(p, x - 1, y) ? 0 : 1) + (inked(p, x + 1, y) ? 0 : 1)
                                + (inked(p, x, y - 1) ? 0 : 1) + (inked(p, x, y + 1) ? 0 : 1);
                    }
                }
            }
            assertEquals(outline == 0 ? 0 : 2f * area / outline, StrokeWidth.estimate(p), "plane " + w + "x" + h + ", trial " + trial);
        }
    }

    private static boolean inked(Plane p, int x, int y) {
        return x >= 0 && y >= 0 && x < p.width && y < p.height && p.values[y * p.width + x] >= 0.5f;
    }

    @Test
    void everyPenFromThreeToOneHundredAndFiftyPixelsEndsNearMnistsWidth() {
        for (int digit : new int[] {1, 2, 4, 7}) {
            for (int pen : new int[] {3, 6, 12, 25, 50, 100, 150}) {
                float[] input = PREPARATION.prepare(DigitPictures.written(digit, 1000, 640, pen, 30)).input();
                float width = widthAt28(input);
                // MNIST's own digits, measured the same way: 1.4 to 2.8 px (10th to 90th percentile)
                assertTrue(width >= 1.2f && width <= 3.2f, "digit " + digit + ", pen " + pen + " px: strokes " + width + " px wide");
            }
        }
    }

    @Test
    void faintStrokesReachFullIntensity() {
        float[] input = PREPARATION.prepare(DigitPictures.written(7, 1000, 640, 4, 200)).input(); // light pencil, fine
        float max = 0;
        for (float v : input) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }

    /** The stroke width estimate of a prepared 28x28 input, in its own pixels. */
    private static float widthAt28(float[] input) {
        return StrokeWidth.estimate(Resample.to(new Plane(28, 28, input), 28 * 4, 28 * 4)) / 4;
    }
}
