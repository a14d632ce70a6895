package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * Which of ink and paper is which is read from the picture, not assumed: light chalk on a dark board,
 * coloured chalk whose luma is the board's, dark ink on a dark board and faint pencil on white all
 * give the digit that dark ink on white paper gives.
 */
class InkPolarityTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

    @Test
    void lightInkOnDarkBoardsOfEveryShade() {
        for (int i = 0; i < 5; i++) {
            float[] expected = onWhite(i);
            for (int board : new int[] {10, 40, 80, 110}) {
                int[][] chalk = DigitPictures.noisy(DigitPictures.grey(DigitPictures.digit(i), 8, 50, board, 235), 6, i);
                DigitPictures.assertNoFalseInk(expected, jpeg(DigitPictures.rgb(chalk, BufferedImage.TYPE_INT_RGB)),
                        "grey " + 235 + " chalk on a board of " + board + ", digit " + i);
            }
            int[][] dim = DigitPictures.grey(DigitPictures.digit(i), 8, 50, 30, 110); // dim chalk: the board's tone still rules
            DigitPictures.assertNoFalseInk(expected, prepare(DigitPictures.encode(DigitPictures.gray8(dim), "png")),
                    "grey 110 chalk on a board of 30, digit " + i);
        }
    }

    @Test
    void colouredInkIsFoundWhereItsLumaIsTheBoards() {
        for (int i = 0; i < 5; i++) {
            float[] expected = onWhite(i);
            int[][] coverage = DigitPictures.grey(DigitPictures.digit(i), 8, 50, 0, 255);
            // Rec. 601 luma of (60, 60, 190) is 75, of the board (70, 72, 74) 71.5: only blue tells them apart
            BufferedImage blueOnGrey = DigitPictures.coloured(coverage, 0x46484A, 0x3C3CBE);
            DigitPictures.assertNoFalseInk(expected, prepare(DigitPictures.encode(blueOnGrey, "png")), "blue chalk on a grey board, digit " + i);
            DigitPictures.assertNoFalseInk(expected, jpeg(blueOnGrey), "the same as a JPEG, digit " + i);
            BufferedImage redOnGreen = DigitPictures.coloured(coverage, 0x2E5A3C, 0xC8463C); // red on a green board
            DigitPictures.assertNoFalseInk(expected, prepare(DigitPictures.encode(redOnGreen, "bmp")), "red chalk on a green board, digit " + i);
            BufferedImage blueOnPaper = DigitPictures.coloured(coverage, 0xF5F0E1, 0x1E32A0); // a ballpoint on cream paper
            DigitPictures.assertNoFalseInk(expected, jpeg(blueOnPaper), "blue ballpoint on cream paper, digit " + i);
        }
    }

    @Test
    void darkInkOnADarkBoardIsReadToo() {
        for (int i = 0; i < 5; i++) {
            int[][] dark = DigitPictures.noisy(DigitPictures.grey(DigitPictures.digit(i), 8, 50, 95, 10), 3, i);
            DigitPictures.assertNoFalseInk(onWhite(i), jpeg(DigitPictures.rgb(dark, BufferedImage.TYPE_INT_RGB)),
                    "grey 10 ink on a board of 95, digit " + i);
        }
    }

    @Test
    void faintPencilIsFoundThroughSensorNoise() {
        for (int i = 0; i < 5; i++) {
            float[] expected = onWhite(i);
            for (int pencil : new int[] {150, 180, 200}) {
                int[][] g = DigitPictures.noisy(DigitPictures.grey(DigitPictures.digit(i), 8, 50, 245, pencil), 8, 31L * i + pencil);
                DigitPictures.assertNoFalseInk(expected, jpeg(DigitPictures.rgb(g, BufferedImage.TYPE_INT_RGB)),
                        "pencil " + pencil + " on paper 245 with noise, digit " + i);
            }
        }
        // a fine pencil line on a large photo: 3 px strokes of grey 185 on 1000 px
        for (int d = 0; d < 10; d++) {
            PreparedDigit fine = PREPARATION.prepare(DigitPictures.written(d, 1000, 640, 3, 185));
            assertTrue(fine.found(), "digit " + d + ", 3 px pencil of grey 185: " + fine.noDigit());
        }
    }

    private static float[] onWhite(int i) {
        return prepare(DigitPictures.encode(DigitPictures.gray8(DigitPictures.grey(DigitPictures.digit(i), 8, 50, 255, 0)), "png"));
    }

    private static float[] jpeg(BufferedImage image) {
        return prepare(DigitPictures.jpeg(image, false));
    }

    private static float[] prepare(byte[] bytes) {
        return PREPARATION.prepare(bytes).input();
    }
}
