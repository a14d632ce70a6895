package dev.convnet.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each transform does what it says, on pictures whose answer is known: a bar, a line, a dot. */
class ImageTransformsTest {
    private static final int N = 28;

    /** A horizontal bar 16 px long and 4 px thick through the centre. */
    private static float[] bar() {
        return bar(12, 15);
    }

    private static float[] bar(int top, int bottom) {
        float[] img = new float[N * N];
        for (int y = top; y <= bottom; y++) {
            for (int x = 6; x < 22; x++) {
                img[y * N + x] = 1f;
            }
        }
        return img;
    }

    private static float[] transform(float[] in, double radians, double zoom, double shiftX, double shiftY) {
        double[] m = ImageTransforms.inverseMap(radians, zoom, shiftX, shiftY);
        float[] out = new float[N * N];
        new ImageTransforms(N, N).affine(in, m, m[4], m[5], null, null, out);
        return out;
    }

    /** The bar's direction in degrees, counter-clockwise as seen (y pointing down), from the second moments. */
    private static double direction(float[] img) {
        double m = 0, cx = 0, cy = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                m += img[y * N + x];
                cx += x * img[y * N + x];
                cy += y * img[y * N + x];
            }
        }
        cx /= m;
        cy /= m;
        double sxx = 0, syy = 0, sxy = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                double v = img[y * N + x];
                double dx = x - cx;
                double dy = -(y - cy); // up is positive, as seen
                sxx += v * dx * dx;
                syy += v * dy * dy;
                sxy += v * dx * dy;
            }
        }
        return Math.toDegrees(0.5 * Math.atan2(2 * sxy, sxx - syy));
    }

    private static double[] centre(float[] img) {
        double m = 0, cx = 0, cy = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                m += img[y * N + x];
                cx += x * img[y * N + x];
                cy += y * img[y * N + x];
            }
        }
        return new double[] {cx / m, cy / m};
    }

    private static int extentX(float[] img) {
        int min = N;
        int max = -1;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                if (img[y * N + x] > 0.5f) {
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
            }
        }
        return max - min + 1;
    }

    @Test
    void rotationTurnsABarCounterClockwiseByTheAngle() {
        assertEquals(0, direction(bar()), 0.5);
        // Keras' RandomRotation: factor 1/12 of 2π is 30°, positive is counter-clockwise
        assertEquals(30, direction(transform(bar(), Math.PI / 6, 1, 0, 0)), 2);
        assertEquals(-20, direction(transform(bar(), -Math.toRadians(20), 1, 0, 0)), 2);
        assertEquals(90, Math.abs(direction(transform(bar(), Math.PI / 2, 1, 0, 0))), 2);
    }

    /** Keras' RandomShear(x_factor): an upright bar leans by atan(shear) and its centre stays. */
    @Test
    void shearSlantsAnUprightBarAboutTheCentre() {
        float[] upright = new float[N * N];
        for (int y = 6; y < 22; y++) {
            for (int x = 12; x < 16; x++) {
                upright[y * N + x] = 1f;
            }
        }
        assertEquals(90, Math.abs(direction(upright)), 0.5);
        double[] m = ImageTransforms.inverseMap(0, 1, 0.3, 0, 0);
        float[] out = new float[N * N];
        new ImageTransforms(N, N).affine(upright, m, m[4], m[5], null, null, out);
        // an output pixel y rows below the centre reads 0.3·y to its right: the bottom moves left, the bar leans right
        assertEquals(90 - Math.toDegrees(Math.atan(0.3)), direction(out), 2);
        assertEquals(centre(upright)[0], centre(out)[0], 0.1);
        assertEquals(centre(upright)[1], centre(out)[1], 0.1);
    }

    @Test
    void zoomAboveOneShrinksTheContentAndBelowOneEnlargesIt() {
        assertEquals(16, extentX(bar()));
        assertEquals(8, extentX(transform(bar(), 0, 2, 0, 0)), 1); // coordinates scaled by 2: half as long
        assertEquals(20, extentX(transform(bar(), 0, 0.8, 0, 0)), 1);
    }

    @Test
    void translationMovesTheCentreOfMassByTheShift() {
        double[] before = centre(bar());
        double[] after = centre(transform(bar(), 0, 1, 3, -2)); // 3 px right, 2 px up
        assertEquals(before[0] + 3, after[0], 1e-3);
        assertEquals(before[1] - 2, after[1], 1e-3);
    }

    @Test
    void dilationAddsInkAndErosionRemovesIt() {
        float[] line = new float[N * N];
        for (int x = 4; x < 24; x++) {
            line[14 * N + x] = 1f; // one pixel thick
        }
        float[] out = new float[N * N];
        new ImageTransforms(N, N).stroke(line, 1, out);
        assertEquals(1f, out[13 * N + 10]); // the line is three pixels thick now
        assertEquals(1f, out[15 * N + 10]);
        assertEquals(0f, out[12 * N + 10]);
        assertEquals(3 * 20 + 2, ImageTransforms.ink(out), 1e-3); // and one pixel longer at each end
        new ImageTransforms(N, N).stroke(line, 0.5, out);
        assertEquals(0.5f, out[13 * N + 10], 1e-6); // half a step: half way
        float[] thin = bar(13, 14);
        new ImageTransforms(N, N).stroke(thin, -1, out);
        assertEquals(0, ImageTransforms.ink(out), 1e-6); // a 2-px bar eroded by 1 px on each side is gone
        float[] thick = bar();
        new ImageTransforms(N, N).stroke(thick, -1, out);
        assertEquals(2, column(out, 14), 1e-6); // 4 px - 2·1 px
        new ImageTransforms(N, N).stroke(thick, 2, out);
        assertEquals(8, column(out, 14), 1e-6); // 4 px + 2·2 px
    }

    private static double column(float[] img, int x) {
        double s = 0;
        for (int y = 0; y < N; y++) {
            s += img[y * N + x];
        }
        return s;
    }

    @Test
    void blurKeepsTheInkAndSpreadsIt() {
        float[] dot = new float[N * N];
        dot[14 * N + 14] = 1f;
        float[] out = new float[N * N];
        new ImageTransforms(N, N).blur(dot, 1, out);
        assertEquals(1, ImageTransforms.ink(out), 1e-5);
        double g1 = Math.exp(-0.5);
        double sum = 1 + 2 * g1 + 2 * Math.exp(-2) + 2 * Math.exp(-4.5);
        assertEquals(1 / (sum * sum), out[14 * N + 14], 1e-5); // the Gaussian's own peak, sigma 1, 7 taps
        assertEquals(g1 / (sum * sum), out[14 * N + 15], 1e-5);
    }
}
