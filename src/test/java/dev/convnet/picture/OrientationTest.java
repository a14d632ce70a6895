package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.data.ImageDecoder;
import dev.convnet.data.ImageFormatException;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** EXIF orientation, all eight values, from a JPEG's APP1 or a PNG's eXIf, applied before anything else, as every viewer does. */
class OrientationTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();
    private static final ImageDecoder DECODER = new ImageDecoder();

    /**
     * A 3x2 picture with values 1..6 row after row; for each orientation the picture a viewer shows
     * (TIFF 6.0: where the stored row 0 and column 0 belong).
     */
    @Test
    void eachValueTurnsTheStoredPictureAsTiffSays() {
        Plane stored = new Plane(3, 2, new float[] {1, 2, 3, 4, 5, 6});
        float[][] shown = {
            null,
            {1, 2, 3, 4, 5, 6}, // 1: row 0 top, column 0 left
            {3, 2, 1, 6, 5, 4}, // 2: row 0 top, column 0 right
            {6, 5, 4, 3, 2, 1}, // 3: row 0 bottom, column 0 right
            {4, 5, 6, 1, 2, 3}, // 4: row 0 bottom, column 0 left
            {1, 4, 2, 5, 3, 6}, // 5: row 0 left, column 0 top
            {4, 1, 5, 2, 6, 3}, // 6: row 0 right, column 0 top
            {6, 3, 5, 2, 4, 1}, // 7: row 0 right, column 0 bottom
            {3, 6, 2, 5, 1, 4}, // 8: row 0 left, column 0 bottom
        };
        for (int o = 1; o <= 8; o++) {
            Plane upright = Orientation.upright(stored, o);
            assertArrayEquals(shown[o], upright.values, "orientation " + o);
            assertTrue(o < 5 ? upright.width == 3 : upright.width == 2, "orientation " + o + " width");
        }
    }

    @Test
    void aJpegStoredTurnedOrMirroredWithItsOrientationReadsLikeTheUprightOne() {
        int[][] upright = DigitPictures.grey(DigitPictures.digit(0), 6, 20, 245, 20); // a 7: not symmetric
        float[] expected = PREPARATION.prepare(DigitPictures.jpeg(DigitPictures.gray8(upright), false)).input();
        for (int o = 1; o <= 8; o++) {
            int inverse = o == 6 ? 8 : o == 8 ? 6 : o;
            Plane plane = Orientation.upright(toPlane(upright), inverse); // what the camera stored
            byte[] jpeg = DigitPictures.withExifOrientation(DigitPictures.jpeg(DigitPictures.gray8(toGrey(plane)), false), o);
            float[] actual = PREPARATION.prepare(jpeg).input();
            float worst = 0;
            for (int k = 0; k < 784; k++) {
                worst = Math.max(worst, Math.abs(expected[k] - actual[k]));
            }
            // JPEG blocks fall differently on a turned picture: a few grey levels, never a turned digit
            assertTrue(worst < 0.1f, "orientation " + o + ": differs by " + worst * 255 + " grey levels");
        }
    }

    /**
     * PNG carries EXIF in an {@code eXIf} chunk (PNG Third Edition; a TIFF structure without JPEG's
     * {@code Exif\0\0}): a real MNIST 7 stored turned or mirrored, tagged as Pillow tags it, gives
     * exactly the upright picture's input (PNG is lossless, so nothing may differ).
     */
    @Test
    void aPngStoredTurnedOrMirroredWithItsExifChunkReadsLikeTheUprightOne() {
        int[][] upright = DigitPictures.grey(DigitPictures.digit(0), 6, 20, 245, 20);
        float[] expected = PREPARATION.prepare(DigitPictures.encode(DigitPictures.gray8(upright), "png")).input();
        for (int o = 2; o <= 8; o++) {
            int inverse = o == 6 ? 8 : o == 8 ? 6 : o;
            Plane stored = Orientation.upright(toPlane(upright), inverse);
            byte[] plain = DigitPictures.encode(DigitPictures.gray8(toGrey(stored)), "png");
            byte[] png = DigitPictures.withExifChunk(plain, DigitPictures.exifOrientation(o));
            assertEquals(o, DECODER.decode(png).orientation(), "orientation " + o + " read from eXIf");
            assertArrayEquals(expected, PREPARATION.prepare(png).input(), "orientation " + o);
            assertFalse(Arrays.equals(expected, PREPARATION.prepare(plain).input()), "orientation " + o + " matters without eXIf");
        }
    }

    /**
     * A hostile or broken {@code eXIf} leaves the picture as stored, as viewers do: orientation values
     * TIFF does not define, an IFD0 or a value beyond the block (one that declares 2^31 - 1 SHORTs
     * must not be allocated), a wrong CRC; a chunk length beyond the file is a damaged PNG, in one line.
     */
    @Test
    void aHostileExifChunkIsIgnoredOrTheDamagedPngRefusedInOneLine() {
        int[][] upright = DigitPictures.grey(DigitPictures.digit(0), 4, 10, 245, 20);
        Plane stored = Orientation.upright(toPlane(upright), 6);
        byte[] plain = DigitPictures.encode(DigitPictures.gray8(toGrey(stored)), "png");
        float[] asStored = PREPARATION.prepare(plain).input();
        for (int value : new int[] {0, 9, 65535}) {
            byte[] png = DigitPictures.withExifChunk(plain, DigitPictures.exifOrientation(value));
            assertEquals(1, DECODER.decode(png).orientation(), "orientation " + value);
            assertArrayEquals(asStored, PREPARATION.prepare(png).input(), "orientation " + value);
        }
        byte[] ifdOutside = DigitPictures.exifOrientation(6);
        ifdOutside[4] = 0x7F; // IFD0 at 2^31 - 8 of a 26-byte block
        byte[] hugeCount = DigitPictures.exifOrientation(6);
        hugeCount[14] = 0x7F; // count 2^31 - 1 SHORTs (4 GiB), so the value lies at an offset ...
        hugeCount[15] = (byte) 0xFF;
        hugeCount[16] = (byte) 0xFF;
        hugeCount[17] = (byte) 0xFF;
        hugeCount[19] = 0; // ... 8, inside the block
        hugeCount[21] = 8;
        byte[] cut = Arrays.copyOf(DigitPictures.exifOrientation(6), 19); // the block ends inside the value
        for (byte[] exif : new byte[][] {ifdOutside, hugeCount, cut}) {
            byte[] png = DigitPictures.withExifChunk(plain, exif);
            assertEquals(1, DECODER.decode(png).orientation());
            assertArrayEquals(asStored, PREPARATION.prepare(png).input());
            byte[] jpeg = DigitPictures.jpeg(DigitPictures.gray8(upright), false);
            assertEquals(1, DECODER.decode(DigitPictures.withExif(jpeg, exif)).orientation(), "the same block in a JPEG");
        }
        byte[] wrongCrc = DigitPictures.withChunk(plain, "eXIf", DigitPictures.exifOrientation(6), 26, false);
        assertEquals(1, DECODER.decode(wrongCrc).orientation(), "a damaged ancillary chunk is discarded");
        assertArrayEquals(asStored, PREPARATION.prepare(wrongCrc).input());
        byte[] beyond = DigitPictures.withChunk(plain, "eXIf", DigitPictures.exifOrientation(6), 0x7FFF_FFF0L, true);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> DECODER.decode(beyond));
        assertTrue(e.getMessage().startsWith("damaged PNG image: ") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aPictureWithoutExifIsReadAsStored() {
        BufferedImage picture = DigitPictures.gray8(DigitPictures.grey(DigitPictures.digit(0), 4, 10, 250, 10));
        assertArrayEquals(PREPARATION.prepare(picture).input(), PREPARATION.prepare(DigitPictures.encode(picture, "png")).input());
    }

    private static Plane toPlane(int[][] g) {
        Plane p = new Plane(g[0].length, g.length);
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                p.values[y * p.width + x] = g[y][x];
            }
        }
        return p;
    }

    private static int[][] toGrey(Plane p) {
        int[][] g = new int[p.height][p.width];
        for (int y = 0; y < p.height; y++) {
            for (int x = 0; x < p.width; x++) {
                g[y][x] = Math.round(p.values[y * p.width + x]);
            }
        }
        return g;
    }
}
