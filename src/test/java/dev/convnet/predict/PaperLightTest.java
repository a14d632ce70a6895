package dev.convnet.predict;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
            // the reported shadows (paper 235 falling to 200 and 170); a shadow to half the light (120) still
            // leaves 17 % of the ink different, the closing's window being clipped at the picture's edge
            for (float shadow : new float[] {200f / 235, 170f / 235}) {
                for (float edge : new float[] {0.3f, 0.5f, 0.7f}) {
                    TransparencyTest.assertSimilar(expected, prepare(DigitPictures.shadowed(even, shadow, edge)),
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
            // corners at 70 % of the centre's light; at 50 % up to a third of the ink differs (left to do: the
            // paper estimate is biased bright in the corners, where the closing's window is clipped)
            TransparencyTest.assertSimilar(expected, prepare(DigitPictures.vignetted(even, 0.7f)), "vignette, digit " + i);
            int[][] gradient = new int[even.length][even.length];
            for (int y = 0; y < even.length; y++) {
                for (int x = 0; x < even.length; x++) {
                    gradient[y][x] = Math.round(even[y][x] * (1f - 0.45f * y / even.length));
                }
            }
            TransparencyTest.assertSimilar(expected, prepare(gradient), "top-to-bottom gradient, digit " + i);
        }
    }

    @Test
    void lightInkOnDarkPaperIsReadToo() {
        int[][] chalk = DigitPictures.grey(DigitPictures.digit(5), 8, 60, 40, 230);
        int[][] ink = DigitPictures.grey(DigitPictures.digit(5), 8, 60, 255, 0);
        TransparencyTest.assertSimilar(prepare(ink), prepare(DigitPictures.vignetted(chalk, 0.6f)), "chalk on a dark board");
    }

    private static float[] prepare(int[][] grey) {
        return PREPARATION.prepare(DigitPictures.jpeg(DigitPictures.rgb(grey, BufferedImage.TYPE_INT_RGB), false)).input();
    }
}
