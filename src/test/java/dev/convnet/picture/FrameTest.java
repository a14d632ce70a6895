package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A digit written in a box (a form's cell, a frame drawn around it) is prepared as the digit alone:
 * cropped with its box, a framed 7 became a small mark in a square and read as a 3.
 */
class FrameTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

    /** MNIST test digits at 4x, in boxes of several strokes and margins, dark on light and light on dark. */
    @Test
    void aBoxAroundTheDigitIsNotPartOfIt() {
        for (int i = 0; i < 30; i++) {
            float[] digit = DigitPictures.digit(i);
            boolean dark = i % 2 == 0;
            int[][] plain = DigitPictures.grey(digit, 4, 40, dark ? 250 : 20, dark ? 10 : 240);
            float[] alone = PREPARATION.prepare(DigitPictures.rgb(plain, java.awt.image.BufferedImage.TYPE_INT_RGB)).input();
            int stroke = 2 + i % 7;
            int inset = 4 + (i * 7) % 30;
            int[][] boxed = box(plain, inset, stroke, dark ? 10 : 240);
            float[] framed = PREPARATION.prepare(DigitPictures.rgb(boxed, java.awt.image.BufferedImage.TYPE_INT_RGB)).input();
            double differs = TransparencyTest.differingInk(alone, framed);
            // with the box kept the input is the box (2.1-3.4 of the ink differed); without it, the digit, its
            // ink a little different where the box moved the ink threshold (0.02-0.39)
            assertTrue(differs < 0.5, String.format(Locale.ROOT, "test digit %d in a box of %d px, %d px in: %.3f of the ink differs",
                    i, stroke, inset, differs));
        }
    }

    /**
     * A round digit has ink along its bounding box's edges too, but none in its corners and nothing
     * inside: no digit of the test subset is taken for a box, its 0s included.
     */
    @Test
    void roundDigitsAndDigitsOfSeveralStrokesAreNotBoxes() {
        int zeros = 0;
        for (int i = 0; i < 200; i++) {
            float[] digit = DigitPictures.digit(i);
            Plane ink = DigitPreparation.ink(DigitPreparation.upright(RawSamples.of(
                    DigitPictures.rgb(DigitPictures.grey(digit, 4, 20, 250, 10), java.awt.image.BufferedImage.TYPE_INT_RGB)), 1));
            DigitCrop.Pieces pieces = DigitCrop.pieces(ink);
            double largest = java.util.Arrays.stream(pieces.mass()).max().orElse(0);
            assertTrue(DigitCrop.Frame.inside(pieces.label(), pieces.count(), pieces.mass(), ink.width,
                    DigitCrop.MIN_PIECE * largest) == null, "test digit " + i + " taken for a box");
            zeros += DigitPictures.test().classes()[i] == 0 ? 1 : 0;
        }
        assertTrue(zeros > 10, "the subset holds zeros: " + zeros);

        // a dotted zero (as some fonts write it): a piece inside another, but the outer one is round, not a box
        int first = 0;
        while (DigitPictures.test().classes()[first] != 0) {
            first++;
        }
        int[][] dotted = DigitPictures.grey(DigitPictures.digit(first), 4, 20, 250, 10);
        int centre = dotted.length / 2;
        for (int y = centre - 6; y <= centre + 6; y++) {
            for (int x = centre - 6; x <= centre + 6; x++) {
                if ((x - centre) * (x - centre) + (y - centre) * (y - centre) <= 36) {
                    dotted[y][x] = 10;
                }
            }
        }
        Plane ink = DigitPreparation.ink(DigitPreparation.upright(RawSamples.of(
                DigitPictures.rgb(dotted, java.awt.image.BufferedImage.TYPE_INT_RGB)), 1));
        DigitCrop.Pieces pieces = DigitCrop.pieces(ink);
        assertTrue(pieces.count() >= 2, "the dot is a piece of its own");
        assertTrue(DigitCrop.Frame.inside(pieces.label(), pieces.count(), pieces.mass(), ink.width, 0) == null,
                "a dotted zero taken for a box");

        // a zero written squarish, rounded corners, with a slash that does not touch it (a reviewer's case)
        java.awt.image.BufferedImage slashed = new java.awt.image.BufferedImage(160, 220, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = slashed.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 160, 220);
        g.setColor(java.awt.Color.BLACK);
        g.setStroke(new java.awt.BasicStroke(8));
        g.drawRoundRect(40, 40, 80, 140, 20, 20);
        g.drawLine(62, 150, 98, 70);
        g.dispose();
        Plane zero = DigitPreparation.ink(DigitPreparation.upright(RawSamples.of(slashed), 1));
        DigitCrop.Pieces parts = DigitCrop.pieces(zero);
        assertTrue(parts.count() == 2, "the 0 and its slash: " + parts.count());
        assertTrue(DigitCrop.Frame.inside(parts.label(), parts.count(), parts.mass(), zero.width, 0) == null,
                "a slashed squarish zero taken for a box");
    }

    /** A speck outside the box stays out of the crop, as it would without the box. */
    @Test
    void whatLiesOutsideTheBoxGoesWithIt() {
        float[] digit = DigitPictures.digit(0);
        int[][] plain = DigitPictures.grey(digit, 4, 40, 250, 10);
        float[] alone = PREPARATION.prepare(DigitPictures.rgb(plain, java.awt.image.BufferedImage.TYPE_INT_RGB)).input();
        int[][] boxed = box(plain, 20, 6, 10);
        for (int y = 4; y < 10; y++) {
            for (int x = 4; x < 10; x++) {
                boxed[y][x] = 10; // a 6x6 speck in the corner, outside the box
            }
        }
        float[] framed = PREPARATION.prepare(DigitPictures.rgb(boxed, java.awt.image.BufferedImage.TYPE_INT_RGB)).input();
        double differs = TransparencyTest.differingInk(alone, framed);
        assertTrue(differs < 0.5, String.format(Locale.ROOT, "%.3f of the ink differs", differs));
    }

    /** The picture with a rectangle of {@code stroke} pixels drawn {@code inset} pixels inside its edges. */
    private static int[][] box(int[][] g, int inset, int stroke, int ink) {
        int[][] out = new int[g.length][];
        for (int y = 0; y < g.length; y++) {
            out[y] = g[y].clone();
        }
        int size = g.length;
        for (int y = inset; y < size - inset; y++) {
            for (int x = inset; x < size - inset; x++) {
                boolean edge = x < inset + stroke || x >= size - inset - stroke || y < inset + stroke || y >= size - inset - stroke;
                if (edge) {
                    out[y][x] = ink;
                }
            }
        }
        return out;
    }
}
