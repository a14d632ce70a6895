package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** EXIF orientation, all eight values, applied before anything else, as every viewer does. */
class OrientationTest {
    private static final DigitPreparation PREPARATION = new DigitPreparation();

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
