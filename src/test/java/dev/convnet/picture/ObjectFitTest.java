package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.data.Dataset;
import dev.convnet.data.ImageDecoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A garment cut out on a transparent canvas is the garment, whatever its colour: a white shirt was
 * laid on white, vanished, and came out "the picture is blank or nearly so" (a new user's find).
 */
class ObjectFitTest {
    private static final DigitPreparation FASHION = new DigitPreparation(new ImageDecoder(), Dataset.FASHION_MNIST);

    @Test
    void aGarmentOnATransparentCanvasIsPreparedAsOnItsContrastingGround() {
        for (int shade : new int[] {255, 230, 20}) {
            boolean light = shade > 127;
            float[] opaque = FASHION.prepare(shirt(shade, new Color(light ? 0 : 255, light ? 0 : 255, light ? 0 : 255), false)).input();
            float[] cutOut = FASHION.prepare(shirt(shade, new Color(0, 0, 0, 0), true)).input();
            assertNotNull(cutOut, "shade " + shade + " found nothing");
            double differs = TransparencyTest.differingInk(opaque, cutOut);
            assertTrue(differs < 0.02, String.format(Locale.ROOT, "shade %d: %.3f of the garment differs", shade, differs));
        }
    }

    /** A T-shirt of grey {@code shade} on {@code ground}, 160 x 160. */
    private static BufferedImage shirt(int shade, Color ground, boolean alpha) {
        BufferedImage image = new BufferedImage(160, 160, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setComposite(java.awt.AlphaComposite.Src);
        g.setColor(ground);
        g.fillRect(0, 0, 160, 160);
        g.setColor(new Color(shade, shade, shade));
        g.fillPolygon(new int[] {50, 110, 150, 130, 115, 115, 45, 45, 30, 10}, new int[] {20, 20, 50, 75, 62, 145, 145, 62, 75, 50}, 10);
        g.dispose();
        return image;
    }
}
