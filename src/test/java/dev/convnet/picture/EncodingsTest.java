package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Any encoding of the same picture gives the same 28x28 input: no colour-space or gamma conversion
 * sneaks in (Java's getRGB turns grey 16 into 71 on greyscale images; CMYK readers apply ICC profiles).
 */
class EncodingsTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();
    /** One grey level: lossless encodings of the same samples must agree to within float rounding of it. */
    private static final float ONE_LEVEL = 1f / 255;

    @Test
    void everyLosslessEncodingGivesTheSameInputWithinOneGreyLevel() {
        for (int i : new int[] {0, 7, 21}) {
            int[][] g = DigitPictures.grey(DigitPictures.digit(i), 6, 30, 235, 40); // dark ink on light paper, mid-greys at the edges
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("8-bit grey PNG", DigitPictures.encode(DigitPictures.gray8(g), "png"));
            files.put("16-bit grey PNG", DigitPictures.encode(DigitPictures.gray16(g), "png"));
            files.put("grey+alpha PNG", DigitPictures.encode(DigitPictures.grayAlpha(g, null), "png"));
            files.put("palette PNG", DigitPictures.encode(DigitPictures.palette(g), "png"));
            files.put("RGB PNG", DigitPictures.encode(DigitPictures.rgb(g, BufferedImage.TYPE_INT_RGB), "png"));
            files.put("RGBA PNG", DigitPictures.encode(DigitPictures.rgb(g, BufferedImage.TYPE_INT_ARGB), "png"));
            files.put("GIF", DigitPictures.encode(DigitPictures.palette(g), "gif"));
            files.put("8-bit BMP", DigitPictures.encode(DigitPictures.palette(g), "bmp"));
            files.put("24-bit BMP", DigitPictures.encode(DigitPictures.rgb(g, BufferedImage.TYPE_3BYTE_BGR), "bmp"));
            float[] reference = PREPARATION.prepare(files.get("RGB PNG")).input();
            files.forEach((name, bytes) -> assertClose(reference, PREPARATION.prepare(bytes).input(), ONE_LEVEL, name));
        }
    }

    /**
     * JPEG is lossy: its variants are compared with the grey JPEG of the same samples. At quality 1.0 the
     * quantisation step is 1, so each sample is off by at most a few levels of DCT rounding; the stages
     * average many samples per output pixel, and the tolerance is three grey levels.
     */
    @Test
    void everyJpegVariantGivesTheSameInputAsTheGreyJpeg() {
        for (int i : new int[] {0, 7, 21}) {
            int[][] g = DigitPictures.grey(DigitPictures.digit(i), 6, 30, 235, 40);
            float[] reference = PREPARATION.prepare(DigitPictures.jpeg(DigitPictures.gray8(g), false)).input();
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("progressive grey JPEG", DigitPictures.jpeg(DigitPictures.gray8(g), true));
            files.put("RGB JPEG", DigitPictures.jpeg(DigitPictures.rgb(g, BufferedImage.TYPE_3BYTE_BGR), false));
            files.put("progressive RGB JPEG", DigitPictures.jpeg(DigitPictures.rgb(g, BufferedImage.TYPE_3BYTE_BGR), true));
            files.put("CMYK JPEG (Adobe, inverted)", DigitPictures.cmykJpeg(g, true));
            files.put("CMYK JPEG (plain)", DigitPictures.cmykJpeg(g, false));
            files.forEach((name, bytes) -> assertClose(reference, PREPARATION.prepare(bytes).input(), 3 * ONE_LEVEL, name));
        }
    }

    @Test
    void darkGreyInkReadsAsDarkInAGreyscalePng() {
        // The sRGB curve made grey 16 read as 71: the ink was 40 % lighter in a greyscale file than in an RGB one.
        int[][] g = DigitPictures.grey(DigitPictures.digit(0), 6, 30, 255, 16);
        float[] grey = PREPARATION.prepare(DigitPictures.encode(DigitPictures.gray8(g), "png")).input();
        float[] rgb = PREPARATION.prepare(DigitPictures.encode(DigitPictures.rgb(g, BufferedImage.TYPE_INT_RGB), "png")).input();
        assertClose(rgb, grey, ONE_LEVEL, "8-bit grey against RGB");
    }

    private static void assertClose(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        float worst = 0;
        for (int k = 0; k < expected.length; k++) {
            worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
        }
        assertTrue(worst <= tolerance + 1e-6f, what + ": differs by " + worst * 255 + " grey levels");
    }
}
