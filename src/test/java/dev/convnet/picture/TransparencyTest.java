package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A transparent pixel is background whatever RGB it stores; a canvas's opaque pixels are its ink. */
class TransparencyTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

    @Test
    void penOfAnyColourOnATransparentCanvasReadsLikeDarkInkOnWhitePaper() {
        for (int i : new int[] {0, 1, 2}) {
            int[][] coverage = DigitPictures.grey(DigitPictures.digit(i), 8, 30, 0, 255); // anti-aliased edges partly opaque
            int[][] paper = DigitPictures.grey(DigitPictures.digit(i), 8, 30, 255, 0);
            float[] expected = PREPARATION.prepare(DigitPictures.rgb(paper, BufferedImage.TYPE_INT_RGB)).input();
            for (int[] colours : new int[][] {{0xFFFFFF, 0x000000}, {0x000000, 0x000000}, {0x000000, 0xFFFFFF},
                {0x2040C0, 0xFFFFFF}, {0xFFFFFF, 0xFFFFFF}}) {
                BufferedImage canvas = DigitPictures.canvas(coverage, colours[0], colours[1]);
                float[] actual = PREPARATION.prepare(DigitPictures.encode(canvas, "png")).input();
                assertSimilar(expected, actual, String.format("pen %06x over hidden %06x", colours[0], colours[1]));
            }
        }
    }

    /**
     * Edges whose colour was mixed with the hidden colour (a canvas composited over a cleared black
     * or white before export, or stored premultiplied): the pen's colour is that of the opaque
     * pixels, and the mixed edges must not turn the strokes into outlines. At scale 2 the strokes
     * are a few pixels wide, mostly edge.
     */
    @Test
    void edgesMixedWithTheHiddenColourAreStillTheStroke() {
        for (int scale : new int[] {8, 2}) {
            for (int i : new int[] {1, 4, 8}) {
                int[][] coverage = DigitPictures.grey(DigitPictures.digit(i), scale, 30, 0, 255);
                float[] expected = PREPARATION.prepare(DigitPictures.rgb(DigitPictures.grey(DigitPictures.digit(i), scale, 30, 255, 0),
                        BufferedImage.TYPE_INT_RGB)).input();
                for (int[] colours : new int[][] {{255, 0}, {0, 255}, {230, 0}}) {
                    int[][] grey = new int[coverage.length][coverage[0].length];
                    for (int y = 0; y < grey.length; y++) {
                        for (int x = 0; x < grey[0].length; x++) {
                            float a = coverage[y][x] / 255f;
                            grey[y][x] = Math.round(colours[0] * a + colours[1] * (1 - a));
                        }
                    }
                    String what = String.format("digit %d at scale %d, pen %d mixed with hidden %d", i, scale, colours[0], colours[1]);
                    assertSimilar(expected, PREPARATION.prepare(DigitPictures.encode(DigitPictures.grayAlpha(grey, coverage), "png"))
                            .input(), what);
                }
            }
        }
    }

    @Test
    void noiseHiddenUnderTransparentPixelsIsNotInk() {
        int[][] coverage = DigitPictures.grey(DigitPictures.digit(3), 8, 30, 0, 255);
        BufferedImage canvas = DigitPictures.canvas(coverage, 0x000000, 0);
        Random random = new Random(17);
        for (int y = 0; y < canvas.getHeight(); y++) {
            for (int x = 0; x < canvas.getWidth(); x++) {
                if (coverage[y][x] == 0) {
                    canvas.setRGB(x, y, random.nextInt(0x1000000)); // alpha 0, any colour
                }
            }
        }
        float[] expected = PREPARATION.prepare(DigitPictures.rgb(DigitPictures.grey(DigitPictures.digit(3), 8, 30, 255, 0),
                BufferedImage.TYPE_INT_RGB)).input();
        assertSimilar(expected, PREPARATION.prepare(DigitPictures.encode(canvas, "png")).input(), "random hidden RGB");
    }

    @Test
    void aCutOutPictureIsReadOnItsOwnPaper() {
        // An opaque white card with a black digit, inside a transparent margin: the card is paper, not ink.
        int[][] g = DigitPictures.grey(DigitPictures.digit(4), 8, 30, 255, 0);
        int size = g.length + 120;
        int[][] grey = new int[size][size];
        int[][] alpha = new int[size][size];
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g.length; x++) {
                grey[y + 60][x + 60] = g[y][x];
                alpha[y + 60][x + 60] = 255;
            }
        }
        float[] expected = PREPARATION.prepare(DigitPictures.gray8(g)).input();
        assertSimilar(expected, PREPARATION.prepare(DigitPictures.encode(DigitPictures.grayAlpha(grey, alpha), "png")).input(), "cut-out");
    }

    @Test
    void aClearedCanvasHasNoDigit() {
        BufferedImage cleared = new BufferedImage(300, 300, BufferedImage.TYPE_INT_ARGB); // transparent black
        assertFalse(PREPARATION.prepare(DigitPictures.encode(cleared, "png")).found());
    }

    /**
     * Same digit: most of the ink in the same place, up to a one-pixel shift (centring by mass rounds to
     * whole pixels, so a slightly different edge can move the digit by one).
     */
    static void assertSimilar(float[] expected, float[] actual, String what) {
        assertTrue(actual != null, what + ": no digit found");
        double differing = differingInk(expected, actual);
        assertTrue(differing < 0.15, what + ": " + Math.round(100 * differing) + " % of the ink differs");
    }

    /**
     * The L1 difference of two 28x28 inputs as a fraction of {@code expected}'s ink, at the best of the
     * nine one-pixel shifts of {@code actual}.
     */
    static double differingInk(float[] expected, float[] actual) {
        double mass = 0;
        for (float v : expected) {
            mass += v;
        }
        double best = Double.MAX_VALUE;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                double diff = 0;
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int sx = x + dx;
                        int sy = y + dy;
                        float a = sx < 0 || sy < 0 || sx >= 28 || sy >= 28 ? 0 : actual[sy * 28 + sx];
                        diff += Math.abs(expected[y * 28 + x] - a);
                    }
                }
                best = Math.min(best, diff);
            }
        }
        return best / mass;
    }
}
