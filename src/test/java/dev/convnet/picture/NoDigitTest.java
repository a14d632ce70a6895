package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An empty or nearly empty picture is "no digit found", never a class. */
class NoDigitTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

    @Test
    void blankPicturesOfEveryKindHaveNoDigit() {
        assertNone(filled(400, 300, Color.WHITE), "white");
        assertNone(filled(400, 300, Color.BLACK), "black");
        assertNone(filled(400, 300, new Color(250, 240, 200)), "yellow paper");
        BufferedImage paper = filled(640, 480, new Color(232, 230, 226));
        Random random = new Random(5);
        for (int y = 0; y < paper.getHeight(); y++) {
            for (int x = 0; x < paper.getWidth(); x++) {
                int v = 228 + random.nextInt(9) - (int) (40.0 * x / paper.getWidth()); // sensor noise and a soft shadow
                paper.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        assertNone(paper, "photographed blank paper");
        assertFalse(PREPARATION.prepare(DigitPictures.jpeg(paper, false)).found(), "the same as a JPEG");
        assertNone(new BufferedImage(300, 300, BufferedImage.TYPE_INT_ARGB), "a cleared canvas");
        BufferedImage speck = filled(800, 800, Color.WHITE);
        speck.setRGB(400, 400, 0);
        assertNone(speck, "one dark pixel on a large picture");
    }

    @Test
    void unevenlyLitBlankPicturesHaveNoDigit() {
        int[][] paper = DigitPictures.noisy(plain(480, 235), 4, 1);
        int[][] board = DigitPictures.noisy(plain(480, 60), 4, 2);
        for (float corner : new float[] {0.7f, 0.5f, 0.3f}) {
            assertNoneJpeg(DigitPictures.vignetted(paper, corner), "paper under a lamp, corners at " + corner);
            assertNoneJpeg(DigitPictures.vignetted(board, corner), "a dark board under a lamp, corners at " + corner);
        }
        for (float shadow : new float[] {0.85f, 0.7f, 0.5f}) {
            assertNoneJpeg(DigitPictures.shadowed(paper, shadow, 0.5f), "paper with a shadow to " + shadow);
        }
        int[][] gradient = new int[480][480];
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 480; x++) {
                gradient[y][x] = Math.round(paper[y][x] * (1f - 0.6f * (x + y) / 960f));
            }
        }
        assertNoneJpeg(gradient, "paper lit from one corner");
    }

    @Test
    void aFaintButRealDigitIsFound() {
        PreparedDigit faint = PREPARATION.prepare(DigitPictures.written(3, 600, 400, 8, 205));
        assertTrue(faint.found(), String.valueOf(faint.noDigit()));
    }

    private static void assertNone(BufferedImage image, String what) {
        PreparedDigit prepared = PREPARATION.prepare(image);
        assertFalse(prepared.found(), what + " gave a digit");
        assertTrue(prepared.noDigit().startsWith("no digit found: "), prepared.noDigit());
    }

    private static void assertNoneJpeg(int[][] grey, String what) {
        PreparedDigit prepared = PREPARATION.prepare(DigitPictures.jpeg(DigitPictures.rgb(grey, BufferedImage.TYPE_INT_RGB), false));
        assertFalse(prepared.found(), what + " gave a digit");
    }

    private static int[][] plain(int side, int grey) {
        int[][] g = new int[side][side];
        for (int[] row : g) {
            java.util.Arrays.fill(row, grey);
        }
        return g;
    }

    private static BufferedImage filled(int w, int h, Color colour) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }
}
