package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * A sheet of paper photographed on a dark desk is read as its sheet ({@link Sheet}): the model saw
 * the sheet's outline with the digit a small hole in it (a 7 read as "0 95.2%"). A chalk digit on a
 * board, the other light thing on a dark border, is not a sheet.
 */
class SheetTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();
    private static final Color DESK = new Color(74, 53, 38);
    private static final Color CREAM = new Color(240, 236, 226);

    /**
     * Every digit on a cream sheet (tilted 0, 8 and -12 degrees, 45 and 70 % of the picture) on a
     * brown desk gives the model nearly what the same digit on white paper gives: a correlation of
     * the 784 inputs of at least 0.7 (measured 0.77-1.0; without {@link Sheet}, -0.03 to 0.48, and
     * four of the 60 were "no digit found").
     */
    @Test
    void aDigitOnASheetOnADeskIsReadAsOnPaper() {
        for (int digit = 0; digit < 10; digit++) {
            float[] onPaper = PREPARATION.prepare(DigitPictures.written(digit, 400, 160, 10, 25)).input();
            for (double tilt : new double[] {0, 8, -12}) {
                for (double share : new double[] {0.45, 0.7}) {
                    BufferedImage photo = onDesk(DigitPictures.written(digit, 400, 160, 10, 25), tilt, share);
                    PreparedDigit prepared = PREPARATION.prepare(photo);
                    String what = digit + " on a sheet tilted " + tilt + " degrees, " + share + " of the picture";
                    assertTrue(prepared.found(), what + ": " + prepared.noDigit());
                    double r = correlation(onPaper, prepared.input());
                    assertTrue(r >= 0.7, what + ": correlation " + r + " with the digit on paper");
                }
            }
        }
        BufferedImage sheet = onDesk(DigitPictures.written(7, 400, 160, 10, 25), 8, 0.6);
        assertNotNull(Sheet.isolate(DigitPreparation.upright(RawSamples.of(sheet), 1)), "found as a sheet");
    }

    /** Thick and thin chalk digits on a dark board: light things on a dark border, none a sheet. */
    @Test
    void aChalkDigitOnABoardIsNoSheet() {
        for (int digit = 0; digit < 10; digit++) {
            for (float pen : new float[] {8, 20, 40, 60}) {
                BufferedImage chalk = DigitPictures.written(digit, 300, 220, pen, 20);
                for (int y = 0; y < chalk.getHeight(); y++) {
                    for (int x = 0; x < chalk.getWidth(); x++) {
                        int v = 255 - (chalk.getRGB(x, y) & 0xFF); // light chalk on a dark board
                        int board = 40 + v * 190 / 255;
                        chalk.setRGB(x, y, board << 16 | board << 8 | board);
                    }
                }
                assertNull(Sheet.isolate(DigitPreparation.upright(RawSamples.of(chalk), 1)), digit + " in chalk " + pen + " px wide");
                assertTrue(PREPARATION.prepare(chalk).found(), digit + " in chalk " + pen + " px wide");
            }
        }
    }

    /** {@code page} (white, the digit on it) scaled onto a cream sheet {@code share} of a 500x400 photo of a brown desk, tilted. */
    private static BufferedImage onDesk(BufferedImage page, double tilt, double share) {
        BufferedImage photo = new BufferedImage(500, 400, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(DESK);
        g.fillRect(0, 0, 500, 400);
        double side = Math.sqrt(share * 500 * 400 / 1.3);
        double sw = side * 1.3;
        g.rotate(Math.toRadians(tilt), 250, 200);
        g.setColor(CREAM);
        g.fill(new Rectangle2D.Double(250 - sw / 2, 200 - side / 2, sw, side));
        g.rotate(-Math.toRadians(tilt), 250, 200); // the digit upright, as written on the page
        double scale = side * 0.8 / page.getHeight();
        AffineTransform at = new AffineTransform();
        at.translate(250 - page.getWidth() * scale / 2, 200 - page.getHeight() * scale / 2);
        at.scale(scale, scale);
        BufferedImage ink = new BufferedImage(page.getWidth(), page.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < page.getHeight(); y++) {
            for (int x = 0; x < page.getWidth(); x++) {
                int a = 255 - (page.getRGB(x, y) & 0xFF); // the page's darkness as ink over the sheet
                ink.setRGB(x, y, a << 24 | 0x141414);
            }
        }
        g.drawImage(ink, at, null);
        g.setStroke(new BasicStroke(1));
        g.dispose();
        return photo;
    }

    private static double correlation(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
