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
     */
    public static void stroke(float[] in, int h, int w, double radius, float[] out) {
        System.arraycopy(in, 0, out, 0, h * w);
        boolean thicken = radius > 0;
        double left = Math.abs(radius);
        // Rows laid side by side between zero columns, with a zero row above and below: background all
        // round, so a pixel's neighbours are at -1, +1, -pw, +pw with nothing to test, and each step is
        // one run over the whole picture (the gaps' results are dropped). Grey levels are compared as
        // their bit patterns, which order non-negative floats as their values do: an int maximum is a
        // conditional move, where a float comparison is a branch mispredicted at every stroke edge.
        int pw = w + 1;
        int[] padded = new int[(h + 2) * pw + 1];
        float[] stepped = new float[padded.length];
        while (left > 1e-6) {
            float step = (float) Math.min(1, left);
            for (int y = 0, at = pw + 1; y < h; y++, at += pw) {
                for (int x = 0; x < w; x++) {
                    padded[at + x] = Float.floatToRawIntBits(Math.abs(out[y * w + x])); // abs: -0 is 0
                }
            }
            int from = pw + 1;
            int to = (h + 1) * pw;
            if (thicken) {
                for (int i = from; i < to; i++) {
                    float v = Float.intBitsToFloat(padded[i]);
                    int m = Math.max(Math.max(Math.max(padded[i - 1], padded[i + 1]), Math.max(padded[i - pw], padded[i + pw])), padded[i]);
                    stepped[i] = v + step * (Float.intBitsToFloat(m) - v);
                }
            } else {
                for (int i = from; i < to; i++) {
                    float v = Float.intBitsToFloat(padded[i]);
                    int m = Math.min(Math.min(Math.min(padded[i - 1], padded[i + 1]), Math.min(padded[i - pw], padded[i + pw])), padded[i]);
                    stepped[i] = v + step * (Float.intBitsToFloat(m) - v);
                }
            }
            for (int y = 0; y < h; y++) {
                System.arraycopy(stepped, (y + 1) * pw + 1, out, y * w, w);
            }
            left -= step;
        }
    }

    /**
     * Gaussian blur of standard deviation {@code sigma} pixels (separable, kernel cut at 3 sigma,
     * zero outside the picture), in place of nothing: reads {@code in}, writes {@code out}.
     */
    public static void blur(float[] in, int h, int w, double sigma, float[] out, float[] scratch) {
        float[] kernel = gaussian(sigma);
        int r = kernel.length / 2;
        // Rows laid side by side with r zeros between them, and every tap one run over the whole
        // picture (hundreds of pixels, not one row of 28): no bounds to test, and no chain of dependent
        // adds as summing the taps pixel by pixel makes (twice as fast). The gaps' own results are dropped.
        int pw = w + 2 * r;
        float[] padded = new float[h * pw + 2 * r];
        for (int y = 0; y < h; y++) {
            System.arraycopy(in, y * w, padded, y * pw + 2 * r, w);
        }
        float[] rows = new float[h * pw];
        for (int k = 0; k < kernel.length; k++) {
            float t = kernel[k];
            for (int p = 0; p < rows.length; p++) {
                rows[p] += t * padded[p + k];
            }
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(rows, y * pw + r, scratch, y * w, w);
        }
        // down the columns: tap d reads the row d away; rows outside the picture are zeros, so skipped
        int n = h * w;
        java.util.Arrays.fill(out, 0, n, 0f);
        for (int d = -r; d <= r; d++) {
            float t = kernel[d + r];
            int shift = d * w;
            for (int p = Math.max(0, -shift), end = Math.min(n, n - shift); p < end; p++) {
                out[p] += t * scratch[p + shift];
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
