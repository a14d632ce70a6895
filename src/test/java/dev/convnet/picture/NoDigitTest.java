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

    /**
     * A click on the draw page leaves one round dot: blown up to 20x20 it was a confident "9". A dot
     * of any size is no digit; a short thick stroke (a "1" written with a marker) still is one.
     */
    @Test
    void oneDotOfInkIsNoDigit() {
        for (int radius : new int[] {6, 12, 40}) {
            BufferedImage dot = filled(400, 400, Color.WHITE);
            Graphics2D g = dot.createGraphics();
            g.setColor(Color.BLACK);
            g.fillOval(200 - radius, 200 - radius, 2 * radius, 2 * radius);
            g.dispose();
            PreparedDigit prepared = PREPARATION.prepare(dot);
            assertFalse(prepared.found(), "a dot of radius " + radius + " gave a digit");
            assertTrue(prepared.noDigit().contains("one dot of ink, not a digit"), prepared.noDigit());
        }
        BufferedImage one = filled(400, 400, Color.WHITE);
        Graphics2D g = one.createGraphics();
        g.setColor(Color.BLACK);
        g.setStroke(new java.awt.BasicStroke(24, java.awt.BasicStroke.CAP_ROUND, java.awt.BasicStroke.JOIN_ROUND));
        g.drawLine(200, 130, 200, 270); // 140 px long, 24 px wide
        g.dispose();
        assertTrue(PREPARATION.prepare(one).found(), "a marker's short 1");
    }

    /**
     * Noise all over a picture is no digit ({@link NoiseCheck}): a picture of uniform random greys
     * was a confident "0". Seeded, so a failure replays.
     */
    @Test
    void noiseAllOverIsNoDigit() {
        Random random = new Random(11);
        for (int[] size : new int[][] {{28, 28}, {64, 48}, {280, 280}, {640, 480}}) {
            assertNoise(noise(size[0], size[1], () -> random.nextInt(256)), "uniform random greys, " + size[0] + "x" + size[1]);
            assertNoise(noise(size[0], size[1], () -> (int) Math.round(128 + 60 * random.nextGaussian())), "Gaussian noise, " + size[0] + "x" + size[1]);
        }
        assertNoise(noise(640, 480, () -> random.nextInt(100) < 20 ? 0 : 255), "salt and pepper, a fifth of the pixels black");
        for (int[] size : new int[][] {{100, 100}, {280, 280}, {640, 480}}) { // on grey: the ink comes out in patches
            for (int percent : new int[] {5, 20}) {
                assertNoise(noise(size[0], size[1], () -> {
                    int r = random.nextInt(200);
                    return r < percent ? 0 : r < 2 * percent ? 255 : 128;
                }), "salt and pepper on grey, " + percent + " % each, " + size[0] + "x" + size[1]);
            }
        }
        BufferedImage colour = new BufferedImage(280, 210, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < colour.getHeight(); y++) {
            for (int x = 0; x < colour.getWidth(); x++) {
                colour.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        assertNoise(colour, "random colours");
        assertFalse(PREPARATION.prepare(DigitPictures.jpeg(noise(280, 280, () -> random.nextInt(256)), false)).found(), "noise as a JPEG");
    }

    /**
     * What {@link NoiseCheck} must let through: digits written with grainy strokes (chalk, soft pencil:
     * up to half their ink missing in 1-3 px grains, hundreds of loops), and digits cropped so tight
     * that they span the whole picture.
     */
    @Test
    void grainyAndTightlyCroppedDigitsAreFound() {
        Random random = new Random(3);
        for (int digit = 0; digit < 10; digit++) {
            for (float drop : new float[] {0.2f, 0.5f}) {
                BufferedImage grainy = DigitPictures.written(digit, 300, 220, 16, 20);
                int grain = 1 + digit % 3;
                for (int y = 0; y < 300; y += grain) {
                    for (int x = 0; x < 300; x += grain) {
                        if ((grainy.getRGB(x, y) & 0xFF) < 128 && random.nextFloat() < drop) {
                            for (int dy = 0; dy < grain && y + dy < 300; dy++) {
                                for (int dx = 0; dx < grain && x + dx < 300; dx++) {
                                    grainy.setRGB(x + dx, y + dy, 0xF0F0F0);
                                }
                            }
                        }
                    }
                }
                PreparedDigit prepared = PREPARATION.prepare(grainy);
                assertTrue(prepared.found(), digit + " with " + drop + " of its ink lost in grains: " + prepared.noDigit());
            }
            BufferedImage whole = DigitPictures.written(digit, 220, 220, 24, 20);
            int[] box = boxOfInk(whole);
            PreparedDigit prepared = PREPARATION.prepare(whole.getSubimage(box[0], box[1], box[2] - box[0], box[3] - box[1]));
            assertTrue(prepared.found(), digit + " cropped to its ink: " + prepared.noDigit());
        }
    }

    /** x0, y0, x1, y1 (exclusive) of the dark pixels. */
    private static int[] boxOfInk(BufferedImage image) {
        int x0 = image.getWidth();
        int y0 = image.getHeight();
        int x1 = 0;
        int y1 = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFF) < 128) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x + 1);
                    y1 = Math.max(y1, y + 1);
                }
            }
        }
        return new int[] {x0, y0, x1, y1};
    }

    private static BufferedImage noise(int w, int h, java.util.function.IntSupplier grey) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = Math.max(0, Math.min(255, grey.getAsInt()));
                image.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return image;
    }

    private static void assertNoise(BufferedImage image, String what) {
        PreparedDigit prepared = PREPARATION.prepare(image);
        assertFalse(prepared.found(), what + " gave a digit");
        assertTrue(prepared.noDigit().contains("specks or a texture all over"), what + ": " + prepared.noDigit());
    }

    /** A hyphen was "4 100.0%"; a line three times wider than tall, or more, is no digit. A wide 2 is one. */
    @Test
    void aHorizontalLineIsNoDigit() {
        for (int length : new int[] {60, 150, 300}) {
            BufferedImage line = filled(400, 400, Color.WHITE);
            Graphics2D g = line.createGraphics();
            g.setColor(Color.BLACK);
            g.setStroke(new java.awt.BasicStroke(12, java.awt.BasicStroke.CAP_ROUND, java.awt.BasicStroke.JOIN_ROUND));
            g.drawLine(200 - length / 2, 200, 200 + length / 2, 205);
            g.dispose();
            PreparedDigit prepared = PREPARATION.prepare(line);
            assertFalse(prepared.found(), "a line " + length + " px long gave a digit");
            assertTrue(prepared.noDigit().contains("times wider than tall: a line or a row of marks, not one digit"), prepared.noDigit());
        }
        BufferedImage two = DigitPictures.written(2, 400, 200, 12, 20);
        BufferedImage wide = new BufferedImage(600, 400, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = wide.createGraphics();
        g.drawImage(two, 0, 0, 600, 400, null); // stretched to 1.5 times its width
        g.dispose();
        assertTrue(PREPARATION.prepare(wide).found(), "a 2 written wide");
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
