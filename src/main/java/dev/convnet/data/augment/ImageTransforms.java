package dev.convnet.data.augment;

/**
 * The deterministic picture operations augmentation draws its random ones from, on one channel of
 * {@code h×w} grey levels, row after row, ink bright on a dark background (MNIST's convention).
 * Each writes into {@code out} (which may not be the input) so that a producer thread can reuse
 * its buffers.
 */
public final class ImageTransforms {
    private ImageTransforms() {
    }

    /**
     * Resamples {@code in} (bilinear) through an inverse map: the output pixel at (x, y), measured
     * from the picture's centre, is read from {@code centre + A·(x, y) + (dx, dy)}, plus the
     * displacement field {@code (fieldX, fieldY)} when not null. Outside the picture reads 0.
     *
     * @param a row-major 2×2 matrix {@code {a00, a01, a10, a11}}
     */
    public static void affine(float[] in, int h, int w, double[] a, double dx, double dy, float[] fieldX, float[] fieldY,
                              float[] out) {
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            double oy = y - cy;
            // along a row the source moves by (a00, a10) per pixel: add instead of multiplying
            double sx = cx + a[0] * -cx + a[1] * oy + dx;
            double sy = cy + a[2] * -cx + a[3] * oy + dy;
            int row = y * w;
            for (int x = 0; x < w; x++, sx += a[0], sy += a[2]) {
                double px = sx;
                double py = sy;
                if (fieldX != null) {
                    px += fieldX[row + x];
                    py += fieldY[row + x];
                }
                out[row + x] = bilinear(in, h, w, px, py);
            }
        }
    }

    /**
     * The inverse map of Keras' rotation, zoom and translation, composed: the picture is turned
     * {@code radians} counter-clockwise (as seen, y pointing down), its coordinates scaled by
     * {@code zoom} (above 1 the content shrinks), then moved {@code shiftX}, {@code shiftY} pixels
     * (right, down). Returns {@code {a00, a01, a10, a11, dx, dy}} for {@link #affine}.
     */
    public static double[] inverseMap(double radians, double zoom, double shiftX, double shiftY) {
        double c = Math.cos(radians);
        double s = Math.sin(radians);
        // forward: out = R·in/zoom + shift with R = [c s; -s c] (counter-clockwise with y down);
        // inverse: in = zoom·R⁻¹·(out - shift), R⁻¹ = [c -s; s c]
        double a00 = zoom * c;
        double a01 = -zoom * s;
        double a10 = zoom * s;
        double a11 = zoom * c;
        return new double[] {a00, a01, a10, a11, -(a00 * shiftX + a01 * shiftY), -(a10 * shiftX + a11 * shiftY)};
    }

    private static float bilinear(float[] in, int h, int w, double sx, double sy) {
        if (!(sx > -1 && sy > -1 && sx < w && sy < h)) {
            return 0f; // all four neighbours outside: background
        }
        int x0 = (int) (sx + 1) - 1; // floor, for sx > -1, without Math.floor's cost
        int y0 = (int) (sy + 1) - 1;
        float fx = (float) (sx - x0);
        float fy = (float) (sy - y0);
        float p00;
        float p10;
        float p01;
        float p11;
        if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) { // inside: no bounds to check
            int i = y0 * w + x0;
            p00 = in[i];
            p10 = in[i + 1];
            p01 = in[i + w];
            p11 = in[i + w + 1];
        } else {
            p00 = at(in, h, w, x0, y0);
            p10 = at(in, h, w, x0 + 1, y0);
            p01 = at(in, h, w, x0, y0 + 1);
            p11 = at(in, h, w, x0 + 1, y0 + 1);
        }
        float top = p00 + fx * (p10 - p00);
        float bottom = p01 + fx * (p11 - p01);
        return top + fy * (bottom - top);
    }

    private static float at(float[] in, int h, int w, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : in[y * w + x];
    }

    /**
     * Grey-level dilation ({@code radius > 0}, thicker strokes) or erosion ({@code radius < 0},
     * thinner) with the 4-neighbour cross, {@code |radius|} times; a fractional part blends the
     * last step in proportion, so the width changes continuously with the radius.
     *
     * @param scratch a buffer of the picture's size
     */
    public static void stroke(float[] in, int h, int w, double radius, float[] out, float[] scratch) {
        System.arraycopy(in, 0, out, 0, h * w);
        boolean thicken = radius > 0;
        double left = Math.abs(radius);
        while (left > 1e-6) {
            double step = Math.min(1, left);
            System.arraycopy(out, 0, scratch, 0, h * w);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    float v = scratch[i];
                    float m = v;
                    // outside the picture is background (0): an edge pixel erodes against it
                    m = pick(thicken, m, x > 0 ? scratch[i - 1] : 0f);
                    m = pick(thicken, m, x < w - 1 ? scratch[i + 1] : 0f);
                    m = pick(thicken, m, y > 0 ? scratch[i - w] : 0f);
                    m = pick(thicken, m, y < h - 1 ? scratch[i + w] : 0f);
                    out[i] = (float) (v + step * (m - v));
                }
            }
            left -= step;
        }
    }

    private static float pick(boolean max, float a, float b) {
        return max ? Math.max(a, b) : Math.min(a, b);
    }

    /**
     * Gaussian blur of standard deviation {@code sigma} pixels (separable, kernel cut at 3 sigma,
     * zero outside the picture), in place of nothing: reads {@code in}, writes {@code out}.
     */
    public static void blur(float[] in, int h, int w, double sigma, float[] out, float[] scratch) {
        float[] kernel = gaussian(sigma);
        convolvePass(in, scratch, h, w, kernel, true);
        convolvePass(scratch, out, h, w, kernel, false);
    }

    /** One pass of {@code kernel} (odd length, centred) along each row ({@code alongRows}) or column, zero outside. */
    private static void convolvePass(float[] in, float[] out, int h, int w, float[] kernel, boolean alongRows) {
        int r = kernel.length / 2;
        int lines = alongRows ? h : w;
        int length = alongRows ? w : h;
        int step = alongRows ? 1 : w;
        int lineStep = alongRows ? w : 1;
        for (int line = 0; line < lines; line++) {
            for (int i = 0; i < length; i++) {
                float s = 0;
                for (int k = -r; k <= r; k++) {
                    int j = i + k;
                    if (j >= 0 && j < length) {
                        s += kernel[k + r] * in[line * lineStep + j * step];
                    }
                }
                out[line * lineStep + i * step] = s;
            }
        }
    }

    /** A normalised 1-D Gaussian kernel of {@code 2·ceil(3·sigma)+1} taps. */
    static float[] gaussian(double sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            double v = Math.exp(-(i * i) / (2 * sigma * sigma));
            k[i + r] = (float) v;
            sum += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        return k;
    }

    /** Sum of all grey levels: how much ink a picture holds. */
    public static double ink(float[] image) {
        double s = 0;
        for (float v : image) {
            s += v;
        }
        return s;
    }
}
