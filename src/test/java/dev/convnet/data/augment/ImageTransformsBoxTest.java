package dev.convnet.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The transforms work only around the ink and in buffers kept between pictures; these check that
 * what they give is what the plain whole-picture formula gives, on generated pictures of every
 * shape that matters: blank, one dot, ink touching each edge and corner, ink everywhere, and one
 * instance used for picture after picture of different sizes of ink.
 */
class ImageTransformsBoxTest {
    private static final int H = 28;
    private static final int W = 28;

    /** Random strokes in a random rectangle (possibly the whole picture, possibly at an edge), or nothing. */
    private static float[] picture(SplittableRandom random) {
        float[] img = new float[H * W];
        int kind = random.nextInt(10);
        if (kind == 0) {
            return img; // blank
        }
        if (kind == 1) {
            img[random.nextInt(H * W)] = random.nextFloat(); // one dot, anywhere
            return img;
        }
        int left = kind == 2 ? 0 : random.nextInt(W);
        int top = kind == 3 ? 0 : random.nextInt(H);
        int right = kind == 4 ? W - 1 : left + random.nextInt(W - left);
        int bottom = kind == 5 ? H - 1 : top + random.nextInt(H - top);
        for (int y = top; y <= bottom; y++) {
            for (int x = left; x <= right; x++) {
                if (random.nextInt(3) == 0 || kind == 6) {
                    img[y * W + x] = random.nextInt(4) == 0 ? 1f : random.nextFloat();
                }
            }
        }
        return img;
    }

    @Test
    void affineIsBilinearResamplingOfTheWholePicture() {
        SplittableRandom random = new SplittableRandom(17);
        ImageTransforms transforms = new ImageTransforms(H, W);
        float[] out = new float[H * W];
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            // as far as Augmentation allows: half a turn, zoom 0.1 to 1.9, a third of the picture's shift
            double[] m = ImageTransforms.inverseMap((random.nextDouble() * 2 - 1) * Math.PI, 1 + (random.nextDouble() * 2 - 1) * 0.9,
                    (random.nextDouble() * 2 - 1) * 9, (random.nextDouble() * 2 - 1) * 9);
            float[] fieldX = null;
            float[] fieldY = null;
            if (n % 5 == 0) { // an elastic field: every pixel moved on its own
                fieldX = new float[H * W];
                fieldY = new float[H * W];
                for (int i = 0; i < H * W; i++) {
                    fieldX[i] = (float) ((random.nextDouble() * 2 - 1) * 3);
                    fieldY[i] = (float) ((random.nextDouble() * 2 - 1) * 3);
                }
            }
            transforms.affine(in, m, m[4], m[5], fieldX, fieldY, out);
            float[] expected = plainAffine(in, m, fieldX, fieldY);
            for (int i = 0; i < H * W; i++) {
                // coordinates are 16.16 fixed point, added along a row: within 2^-16 · 28 of a pixel
                assertEquals(expected[i], out[i], 1e-3, "picture " + n + ", pixel " + i);
            }
        }
    }

    @Test
    void strokeIsTheCrossDilationOrErosionOfTheWholePicture() {
        SplittableRandom random = new SplittableRandom(18);
        ImageTransforms transforms = new ImageTransforms(H, W);
        float[] out = new float[H * W];
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            double radius = (random.nextDouble() * 2 - 1) * 3;
            transforms.stroke(in, radius, out);
            float[] expected = plainStroke(in, radius);
            for (int i = 0; i < H * W; i++) {
                assertEquals(expected[i], out[i], 1e-6, "picture " + n + ", radius " + radius + ", pixel " + i);
            }
        }
    }

    @Test
    void blurIsTheSeparableGaussianOfTheWholePicture() {
        SplittableRandom random = new SplittableRandom(19);
        ImageTransforms transforms = new ImageTransforms(H, W);
        float[] out = new float[H * W];
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            double sigma = 0.3 + random.nextDouble() * (n % 10 == 0 ? 9.7 : 2.7); // blur up to 3; an elastic field's up to 10
            transforms.blur(in, sigma, out);
            float[] expected = plainBlur(in, sigma);
            for (int i = 0; i < H * W; i++) {
                assertEquals(expected[i], out[i], 1e-5, "picture " + n + ", sigma " + sigma + ", pixel " + i);
            }
        }
    }

    @Test
    void theBoxIsTheSmallestHoldingEveryPixelThatIsNotZero() {
        SplittableRandom random = new SplittableRandom(20);
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            InkBox box = InkBox.of(in, H, W);
            int inside = 0;
            int inkRows = 0;
            for (int y = 0; y < H; y++) {
                boolean any = false;
                for (int x = 0; x < W; x++) {
                    boolean ink = in[y * W + x] != 0;
                    any |= ink;
                    if (ink) {
                        assertTrue(x >= box.left() && x <= box.right() && y >= box.top() && y <= box.bottom(), "picture " + n);
                        inside += x == box.left() || x == box.right() || y == box.top() || y == box.bottom() ? 1 : 0;
                    }
                }
                inkRows += any ? 1 : 0;
            }
            assertEquals(inkRows == 0, box.isEmpty(), "picture " + n);
            if (!box.isEmpty()) {
                assertTrue(inside > 0, "picture " + n + ": ink on the box's edges");
                assertTrue(column(in, box.left()) && column(in, box.right()) && row(in, box.top()) && row(in, box.bottom()),
                        "picture " + n + ": each edge of the box touches ink");
            }
        }
    }

    private static boolean column(float[] in, int x) {
        for (int y = 0; y < H; y++) {
            if (in[y * W + x] != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean row(float[] in, int y) {
        for (int x = 0; x < W; x++) {
            if (in[y * W + x] != 0) {
                return true;
            }
        }
        return false;
    }

    // --- the formulas, pixel by pixel, over the whole picture -------------------------------------

    private static float at(float[] in, int x, int y) {
        return x < 0 || y < 0 || x >= W || y >= H ? 0f : in[y * W + x];
    }

    private static float[] plainAffine(float[] in, double[] m, float[] fieldX, float[] fieldY) {
        double cx = (W - 1) / 2.0;
        double cy = (H - 1) / 2.0;
        float[] out = new float[H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double sx = cx + m[0] * (x - cx) + m[1] * (y - cy) + m[4];
                double sy = cy + m[2] * (x - cx) + m[3] * (y - cy) + m[5];
                if (fieldX != null) {
                    sx += fieldX[y * W + x];
                    sy += fieldY[y * W + x];
                }
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                double top = at(in, x0, y0) * (1 - fx) + at(in, x0 + 1, y0) * fx;
                double bottom = at(in, x0, y0 + 1) * (1 - fx) + at(in, x0 + 1, y0 + 1) * fx;
                out[y * W + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    private static float[] plainStroke(float[] in, double radius) {
        float[] cur = in.clone();
        double left = Math.abs(radius);
        while (left > 1e-6) {
            float step = (float) Math.min(1, left);
            float[] next = new float[H * W];
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    float v = cur[y * W + x];
                    float[] cross = {v, at(cur, x - 1, y), at(cur, x + 1, y), at(cur, x, y - 1), at(cur, x, y + 1)};
                    float m = v;
                    for (float c : cross) {
                        m = radius > 0 ? Math.max(m, c) : Math.min(m, c);
                    }
                    next[y * W + x] = v + step * (m - v);
                }
            }
            cur = next;
            left -= step;
        }
        return cur;
    }

    private static float[] plainBlur(float[] in, double sigma) {
        float[] k = ImageTransforms.gaussian(sigma);
        int r = k.length / 2;
        float[] rows = new float[H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                float s = 0;
                for (int d = -r; d <= r; d++) {
                    s += k[d + r] * at(in, x + d, y);
                }
                rows[y * W + x] = s;
            }
        }
        float[] out = new float[H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                float s = 0;
                for (int d = -r; d <= r; d++) {
                    s += k[d + r] * at(rows, x, y + d);
                }
                out[y * W + x] = s;
            }
        }
        return out;
    }
}
