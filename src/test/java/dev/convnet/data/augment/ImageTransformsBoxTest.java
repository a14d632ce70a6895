package dev.convnet.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transforms work only around the ink and in buffers kept between pictures; these check that
 * what they give is what the plain whole-picture formula gives, on generated pictures of every
 * shape that matters: blank, one dot, ink touching each edge and corner, ink everywhere, and one
 * instance used for picture after picture of different sizes of ink; on MNIST's 28×28 and on
 * pictures wider than high and higher than wide.
 */
class ImageTransformsBoxTest {
    private int h;
    private int w;

    /** MNIST's 28×28, and pictures wider than high and higher than wide. */
    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(28, 28), Arguments.of(20, 36), Arguments.of(36, 20));
    }

    /** Works on {@code height×width} pictures from here on; returns a seed of that shape's own. */
    private long use(int height, int width) {
        h = height;
        w = width;
        return height * 1_000L + width;
    }

    /** Random strokes in a random rectangle (possibly the whole picture, possibly at an edge), or nothing. */
    private float[] picture(SplittableRandom random) {
        float[] img = new float[h * w];
        int kind = random.nextInt(10);
        if (kind == 0) {
            return img; // blank
        }
        if (kind == 1) {
            img[random.nextInt(h * w)] = random.nextFloat(); // one dot, anywhere
            return img;
        }
        int left = kind == 2 ? 0 : random.nextInt(w);
        int top = kind == 3 ? 0 : random.nextInt(h);
        int right = kind == 4 ? w - 1 : left + random.nextInt(w - left);
        int bottom = kind == 5 ? h - 1 : top + random.nextInt(h - top);
        for (int y = top; y <= bottom; y++) {
            for (int x = left; x <= right; x++) {
                if (random.nextInt(3) == 0 || kind == 6) {
                    img[y * w + x] = random.nextInt(4) == 0 ? 1f : random.nextFloat();
                }
            }
        }
        return img;
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void affineIsBilinearResamplingOfTheWholePicture(int height, int width) {
        long seed = use(height, width);
        SplittableRandom random = new SplittableRandom(17 + seed);
        ImageTransforms transforms = new ImageTransforms(h, w);
        float[] out = new float[h * w];
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            // as far as Augmentation allows (half a turn, zoom 0.1 to 1.9, shear to 1, half the picture's shift),
            // quarter turns exactly (a00 or a10 is 0), and beyond: zoom to 3 and singular maps
            double turn = n % 7 == 0 ? random.nextInt(4) * Math.PI / 2 : (random.nextDouble() * 2 - 1) * Math.PI;
            double zoom = n % 11 == 0 ? 1.9 + random.nextDouble() * 1.1 : 1 + (random.nextDouble() * 2 - 1) * 0.9;
            double shear = n % 3 == 0 ? random.nextDouble() * 2 - 1 : 0; // Augmentation's whole range, either way
            double[] m = ImageTransforms.inverseMap(turn, zoom, shear, (random.nextDouble() * 2 - 1) * w / 2,
                    (random.nextDouble() * 2 - 1) * h / 2);
            if (n % 13 == 0) {
                m = new double[] {1, 1, 1, 1, m[4], m[5]}; // every output pixel reads along one line
            }
            float[] fieldX = null;
            float[] fieldY = null;
            if (n % 5 == 0) { // an elastic field: every pixel moved on its own
                fieldX = new float[h * w];
                fieldY = new float[h * w];
                for (int i = 0; i < h * w; i++) {
                    fieldX[i] = (float) ((random.nextDouble() * 2 - 1) * 3);
                    fieldY[i] = (float) ((random.nextDouble() * 2 - 1) * 3);
                }
            }
            transforms.affine(in, m, m[4], m[5], fieldX, fieldY, out);
            float[] expected = plainAffine(in, m, fieldX, fieldY);
            for (int i = 0; i < h * w; i++) {
                // coordinates are fixed point with 22 fraction bits, added along a row: within 2^-22 · 36 of a pixel
                assertEquals(expected[i], out[i], 1e-4, "picture " + n + ", pixel " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void strokeIsTheCrossDilationOrErosionOfTheWholePicture(int height, int width) {
        long seed = use(height, width);
        SplittableRandom random = new SplittableRandom(18 + seed);
        ImageTransforms transforms = new ImageTransforms(h, w);
        float[] out = new float[h * w];
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            double radius = n % 9 == 0 ? (random.nextInt(3) - 1) * 5e-7 : (random.nextDouble() * 2 - 1) * 3; // none at all, too
            transforms.stroke(in, radius, out);
            float[] expected = plainStroke(in, radius);
            for (int i = 0; i < h * w; i++) {
                assertEquals(expected[i], out[i], 1e-6, "picture " + n + ", radius " + radius + ", pixel " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void blurIsTheSeparableGaussianOfTheWholePicture(int height, int width) {
        long seed = use(height, width);
        SplittableRandom random = new SplittableRandom(19 + seed);
        ImageTransforms transforms = new ImageTransforms(h, w);
        float[] out = new float[h * w];
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            double sigma = 0.3 + random.nextDouble() * (n % 10 == 0 ? 9.7 : 2.7); // blur up to 3; an elastic field's up to 10
            transforms.blur(in, sigma, out);
            float[] expected = plainBlur(in, sigma);
            for (int i = 0; i < h * w; i++) {
                assertEquals(expected[i], out[i], 1e-5, "picture " + n + ", sigma " + sigma + ", pixel " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void theBoxIsTheSmallestHoldingEveryPixelThatIsNotZero(int height, int width) {
        long seed = use(height, width);
        SplittableRandom random = new SplittableRandom(20 + seed);
        for (int n = 0; n < 2_000; n++) {
            float[] in = picture(random);
            InkBox box = InkBox.of(in, h, w);
            int inside = 0;
            int inkRows = 0;
            for (int y = 0; y < h; y++) {
                boolean any = false;
                for (int x = 0; x < w; x++) {
                    boolean ink = in[y * w + x] != 0;
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

    private boolean column(float[] in, int x) {
        for (int y = 0; y < h; y++) {
            if (in[y * w + x] != 0) {
                return true;
            }
        }
        return false;
    }

    private boolean row(float[] in, int y) {
        for (int x = 0; x < w; x++) {
            if (in[y * w + x] != 0) {
                return true;
            }
        }
        return false;
    }

    // --- the formulas, pixel by pixel, over the whole picture -------------------------------------

    private float at(float[] in, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : in[y * w + x];
    }

    private float[] plainAffine(float[] in, double[] m, float[] fieldX, float[] fieldY) {
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sx = cx + m[0] * (x - cx) + m[1] * (y - cy) + m[4];
                double sy = cy + m[2] * (x - cx) + m[3] * (y - cy) + m[5];
                if (fieldX != null) {
                    sx += fieldX[y * w + x];
                    sy += fieldY[y * w + x];
                }
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                double top = at(in, x0, y0) * (1 - fx) + at(in, x0 + 1, y0) * fx;
                double bottom = at(in, x0, y0 + 1) * (1 - fx) + at(in, x0 + 1, y0 + 1) * fx;
                out[y * w + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    private float[] plainStroke(float[] in, double radius) {
        float[] cur = in.clone();
        double left = Math.abs(radius);
        while (left > 1e-6) {
            float step = (float) Math.min(1, left);
            float[] next = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = cur[y * w + x];
                    float[] cross = {v, at(cur, x - 1, y), at(cur, x + 1, y), at(cur, x, y - 1), at(cur, x, y + 1)};
                    float m = v;
                    for (float c : cross) {
                        m = radius > 0 ? Math.max(m, c) : Math.min(m, c);
                    }
                    next[y * w + x] = v + step * (m - v);
                }
            }
            cur = next;
            left -= step;
        }
        return cur;
    }

    private float[] plainBlur(float[] in, double sigma) {
        float[] k = ImageTransforms.gaussian(sigma);
        int r = k.length / 2;
        float[] rows = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int d = -r; d <= r; d++) {
                    s += k[d + r] * at(in, x + d, y);
                }
                rows[y * w + x] = s;
            }
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int d = -r; d <= r; d++) {
                    s += k[d + r] * at(rows, x, y + d);
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }
}
