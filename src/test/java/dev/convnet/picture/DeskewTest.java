package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Slanted digits are stood upright: the same digit written upright and slanted gives nearly the same input. */
class DeskewTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

    @Test
    void aLeaningBarStandsUprightAndAnUprightOneStaysAsItIs() {
        Plane upright = bar(0);
        assertEquals(0, Deskew.skew(upright), 1e-9);
        assertSame(upright, Deskew.upright(upright), "nothing to do");
        for (double lean : new double[] {0.4, -0.4, 0.8}) {
            Plane stood = Deskew.upright(bar(lean));
            assertEquals(lean, Deskew.skew(bar(lean)), 0.05, "the bar's own slant");
            assertEquals(0, Deskew.skew(stood), 0.02, "slant " + lean + " after");
            assertEquals(mass(bar(lean)), mass(stood), 1e-3 * mass(stood), "no ink lost or made");
        }
        assertEquals(Deskew.MAX_SKEW, Deskew.skew(bar(3)), 1e-9, "a near-horizontal stroke is not handwriting's slant");
        Plane line = new Plane(60, 40);
        for (int x = 10; x < 50; x++) {
            line.values[23 * 60 + x] = 0.7f; // one row of ink: no slant, whatever the rounding of its moments
        }
        assertSame(line, Deskew.upright(line));
        Plane blank = new Plane(5, 5);
        assertSame(blank, Deskew.upright(blank), "no ink: nothing to do");
    }

    /**
     * MNIST test digits drawn as pictures upright and leaning either way by 0.35 (19°): stood upright,
     * the slanted ones come out much nearer the upright one's input than without this stage (the
     * stroke-width stage, before, sees the slanted strokes, so they are not identical).
     */
    @Test
    void slantedDigitsComeOutNearTheUprightOnesInput() {
        double with = 0;
        double without = 0;
        for (int i = 0; i < 20; i++) {
            float[] digit = DigitPictures.digit(i);
            java.awt.image.BufferedImage uprightPicture = DigitPictures.rgb(sheared(digit, 0), java.awt.image.BufferedImage.TYPE_INT_RGB);
            float[] upright = PREPARATION.prepare(uprightPicture).input();
            float[] uprightUnskewed = withoutDeskew(uprightPicture);
            for (double lean : new double[] {-0.35, 0.35}) {
                java.awt.image.BufferedImage slanted = DigitPictures.rgb(sheared(digit, lean), java.awt.image.BufferedImage.TYPE_INT_RGB);
                double d = TransparencyTest.differingInk(upright, PREPARATION.prepare(slanted).input());
                double unskewed = TransparencyTest.differingInk(uprightUnskewed, withoutDeskew(slanted));
                assertTrue(d < 0.6 * unskewed, String.format(java.util.Locale.ROOT,
                        "test digit %d slanted %.2f: %.2f of the ink differs stood upright, %.2f as slanted", i, lean, d, unskewed));
                with += d;
                without += unskewed;
            }
        }
        assertTrue(with < 0.3 * without, String.format(java.util.Locale.ROOT,
                "mean difference from the upright input: %.3f stood upright, %.3f as slanted", with / 40, without / 40));
    }

    private static float[] withoutDeskew(java.awt.image.BufferedImage picture) {
        Plane ink = DigitPreparation.ink(DigitPreparation.upright(RawSamples.of(picture), 1));
        return MnistFrame.frame(StrokeWidth.normalise(StrokeWidth.fit(DigitCrop.crop(ink))));
    }

    private static Plane bar(double lean) {
        Plane p = new Plane(60, 40);
        for (int y = 5; y < 35; y++) {
            int x0 = (int) Math.round(28 + lean * (y - 20));
            for (int x = x0; x < x0 + 4; x++) {
                if (x >= 0 && x < 60) {
                    p.values[y * 60 + x] = 1f;
                }
            }
        }
        return p;
    }

    private static double mass(Plane p) {
        double m = 0;
        for (float v : p.values) {
            m += v;
        }
        return m;
    }

    /** The digit at 8x on white paper, each row moved {@code lean} pixels right per row above the middle. */
    private static int[][] sheared(float[] digit, double lean) {
        int[][] g = DigitPictures.grey(digit, 8, 60, 255, 0);
        int size = g.length;
        int[][] out = new int[size][size];
        for (int y = 0; y < size; y++) {
            double shift = lean * (size / 2.0 - y);
            for (int x = 0; x < size; x++) {
                double sx = x - shift;
                int x0 = (int) Math.floor(sx);
                double f = sx - x0;
                int a = x0 >= 0 && x0 < size ? g[y][x0] : 255;
                int b = x0 + 1 >= 0 && x0 + 1 < size ? g[y][x0 + 1] : 255;
                out[y][x] = (int) Math.round(a * (1 - f) + b * f);
            }
        }
        return out;
    }
}
