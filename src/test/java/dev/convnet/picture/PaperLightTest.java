package dev.convnet.picture;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** A shadow, a gradient or a vignette across the paper is not ink: the digit reads as on evenly lit paper. */
class PaperLightTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

    @Test
    void shadowsAcrossThePaperAreNotInk() {
        for (int i = 0; i < 6; i++) {
            int[][] even = DigitPictures.grey(DigitPictures.digit(i), 8, 60, 235, 30);
            float[] expected = prepare(even);
            // the reported shadows (paper 235 falling to 200 and 170)
            for (float shadow : new float[] {200f / 235, 170f / 235}) {
                for (float edge : new float[] {0.3f, 0.5f, 0.7f}) {
                    assertNoFalseInk(expected, prepare(DigitPictures.shadowed(even, shadow, edge)),
                            "digit " + i + ", shadow to " + Math.round(235 * shadow) + " from " + edge);
                }
            }
        }
    }

    @Test
    void vignettesAndGradientsAreNotInk() {
        for (int i = 0; i < 6; i++) {
            int[][] even = DigitPictures.grey(DigitPictures.digit(i), 8, 60, 240, 30);
            float[] expected = prepare(even);
            // corners at 70 % and 50 % of the centre's light
            assertNoFalseInk(expected, prepare(DigitPictures.vignetted(even, 0.7f)), "vignette to 70 %, digit " + i);
            assertNoFalseInk(expected, prepare(DigitPictures.vignetted(even, 0.5f)), "vignette to 50 %, digit " + i);
            int[][] gradient = new int[even.length][even.length];
            for (int y = 0; y < even.length; y++) {
                for (int x = 0; x < even.length; x++) {
                    gradient[y][x] = Math.round(even[y][x] * (1f - 0.45f * y / even.length));
                }
            }
            assertNoFalseInk(expected, prepare(gradient), "top-to-bottom gradient, digit " + i);
        }
    }

    @Test
    void lightInkOnDarkPaperIsReadToo() {
        int[][] chalk = DigitPictures.grey(DigitPictures.digit(5), 8, 60, 40, 230);
        int[][] ink = DigitPictures.grey(DigitPictures.digit(5), 8, 60, 255, 0);
        assertNoFalseInk(prepare(ink), prepare(DigitPictures.vignetted(chalk, 0.6f)), "chalk on a dark board");
    }

    private static void assertNoFalseInk(float[] even, float[] actual, String what) {
        DigitPictures.assertNoFalseInk(even, actual, what);
    }

    private static float[] prepare(int[][] grey) {
        return PREPARATION.prepare(DigitPictures.jpeg(DigitPictures.rgb(grey, BufferedImage.TYPE_INT_RGB), false)).input();
    }
}
