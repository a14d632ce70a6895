package dev.convnet.data.augment;

import java.util.Arrays;

/**
 * The deterministic picture operations augmentation draws its random ones from, on one channel of
 * {@code h×w} grey levels, row after row, ink bright on a dark background (MNIST's convention).
 * Each writes into {@code out}, which may not be the input.
 *
 * <p>What makes an augmented epoch cost little more than a plain one (issue 17: at most 10 %):
 * each operation works only on the rectangle around the ink ({@link InkBox}) and what it can
 * reach from there (an MNIST digit fills about a third of its picture, and the background, exactly
 * 0, stays 0 under each of them), and in buffers kept from one picture to the next (fresh arrays
 * cost more than the arithmetic: each one is memory the cache has not seen). The results are those
 * of the whole picture. After an elastic distortion the box is the whole picture (each pixel moves
 * on its own). <b>Not thread-safe</b>: one instance per thread.
 */
public final class ImageTransforms {
    /**
     * Zero pixels around the source in {@link #affine}: reads up to a pixel and a step (under
     * {@link #MAX_STEP} pixels; Augmentation's zoom reaches 1.9) beyond the ink's box stay inside the
     * array, and find 0, with nothing to test.
     */
    private static final int FRAME = 3;
    /** The largest move of the source per output pixel the frame allows for, with a margin for rounding. */
    private static final double MAX_STEP = 1.95;
    /** Fraction bits of {@link #affine}'s fixed-point coordinates: 22 leave 9 for the pixel, up to 511. */
    private static final int FRACTION_BITS = 22;
    private static final double ONE = 1 << FRACTION_BITS;

    private final int h;
    private final int w;
    private final float[] source;
    private int[] levels = new int[0];
    private float[] stepped = new float[0];
    private float[] padded = new float[0];
    private float[] rows = new float[0];
    private float[] columns = new float[0];

    /** For pictures of {@code h×w} pixels. */
    public ImageTransforms(int h, int w) {
        this.h = h;
        this.w = w;
        source = new float[(h + 2 * FRAME) * (w + 2 * FRAME)];
    }

    /**
     * Resamples {@code in} (bilinear) through an inverse map: the output pixel at (x, y), measured
     * from the picture's centre, is read from {@code centre + A·(x, y) + (dx, dy)}, plus the
     * displacement field {@code (fieldX, fieldY)} when not null. Outside the picture reads 0.
     * Coordinates are fixed point with 22 fraction bits, added along a row: within 2⁻²² of a pixel
     * per step. A map that moves the source 1.95 pixels or more a step (zoom 1.95 or more), a singular
     * one, a displacement field or a picture over 505 pixels a side takes the slower path that
     * checks every read.
     *
     * @param a row-major 2×2 matrix {@code {a00, a01, a10, a11}}
     */
    public void affine(float[] in, double[] a, double dx, double dy, float[] fieldX, float[] fieldY, float[] out) {
        affine(in, InkBox.of(in, h, w), a, dx, dy, fieldX, fieldY, out);
    }

    /**
     * {@link #affine(float[], double[], double, double, float[], float[], float[])} of a picture
     * whose ink lies in {@code box}; returns a box that holds the result's ink.
     */
    InkBox affine(float[] in, InkBox box, double[] a, double dx, double dy, float[] fieldX, float[] fieldY, float[] out) {
        Arrays.fill(out, 0, h * w, 0f);
        if (box.isEmpty()) {
            return box;
        }
        // The source inside a frame of zeros: a read outside the picture finds 0 without a test.
        int pw = w + 2 * FRAME;
        Arrays.fill(source, 0f);
        for (int y = box.top(); y <= box.bottom(); y++) {
            System.arraycopy(in, y * w + box.left(), source, (y + FRAME) * pw + FRAME + box.left(), box.width());
        }
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        InkBox.Builder written = new InkBox.Builder();
        // Only pixels that read from the ink's box, widened by a pixel, can be other than 0: the rows
        // its corners map to, and in each row the span found by solving the two coordinates' bounds.
        double det = a[0] * a[3] - a[1] * a[2];
        boolean checked = fieldX != null || !(Math.abs(a[0]) < MAX_STEP && Math.abs(a[2]) < MAX_STEP && det != 0 && Double.isFinite(1 / det))
                || pw >= 1 << (31 - FRACTION_BITS) || h + 2 * FRAME >= 1 << (31 - FRACTION_BITS);
        int firstRow = 0;
        int lastRow = h - 1;
        if (!checked) {
            double low = Double.MAX_VALUE;
            double high = -Double.MAX_VALUE;
            for (int corner = 0; corner < 4; corner++) {
                double sx = (corner & 1) == 0 ? box.left() - 1 : box.right() + 1;
                double sy = (corner & 2) == 0 ? box.top() - 1 : box.bottom() + 1;
                double oy = cy + (-a[2] * (sx - cx - dx) + a[0] * (sy - cy - dy)) / det; // row of the inverse of A
                low = Math.min(low, oy);
                high = Math.max(high, oy);
            }
            firstRow = (int) Math.max(0, Math.floor(low) - 1);
            lastRow = (int) Math.min(h - 1, Math.ceil(high) + 1);
        }
        double perX = 1 / a[0];
        double perY = 1 / a[2];
        int stepX = fixed(a[0]);
        int stepY = fixed(a[2]);
        for (int y = firstRow; y <= lastRow; y++) {
            double oy = y - cy;
            // along a row the source moves by (a00, a10) per pixel; in the padded source's coordinates
            double rowX = cx + a[0] * -cx + a[1] * oy + dx + FRAME;
            double rowY = cy + a[2] * -cx + a[3] * oy + dy + FRAME;
            int row = y * w;
            if (checked) {
                for (int x = 0; x < w; x++) {
                    double px = rowX + a[0] * x;
                    double py = rowY + a[2] * x;
                    if (fieldX != null) {
                        px += fieldX[row + x];
                        py += fieldY[row + x];
                    }
                    out[row + x] = bilinear(pw, px, py);
                }
                written.add(y, 0, w - 1);
                continue;
            }
            double[] span = {0, w - 1};
            narrow(span, rowX, a[0], perX, box.left() - 1 + FRAME, box.right() + 1 + FRAME);
            narrow(span, rowY, a[2], perY, box.top() - 1 + FRAME, box.bottom() + 1 + FRAME);
            if (span[0] > span[1]) {
                continue; // no pixel of this row meets both bounds (widening an empty span could leave the frame)
            }
            // a pixel more on each side, for rounding (both ends are at least 0: a cast floors them)
            int from = (int) span[0];
            int to = Math.min(w - 1, (int) span[1] + 1);
            written.add(y, from, to);
            // Coordinates in fixed point, moved by adding: an int is floored by a shift and its fraction
            // made a float through its bits, where converting doubles costs 3x as much (each x86
            // conversion merges into its target register, so waits for the one before).
            int sx = fixed(rowX + a[0] * from);
            int sy = fixed(rowY + a[2] * from);
            // The span keeps the source within a pixel of the box, the widening by a pixel within a step
            // more: inside the frame, so positive (a shift floors it) and no clamp is needed (30 % faster).
            for (int x = from; x <= to; x++, sx += stepX, sy += stepY) {
                float fx = fraction(sx);
                float fy = fraction(sy);
                out[row + x] = interpolate((sy >> FRACTION_BITS) * pw + (sx >> FRACTION_BITS), pw, fx, fy);
            }
        }
        return written.build();
    }

    private static int fixed(double v) {
        return (int) Math.floor(v * ONE + 0.5); // rounded (Math.round is no intrinsic)
    }

    /** The fraction of a non-negative fixed-point number as a float, exactly: its bits made the mantissa of 1.f, minus 1. */
    private static float fraction(int fixed) {
        return Float.intBitsToFloat(0x3F800000 | (fixed & ((1 << FRACTION_BITS) - 1)) << (23 - FRACTION_BITS)) - 1f;
    }

    /** Bilinear read of the padded source at (px, py), in its coordinates; beyond the frame reads 0. */
    private float bilinear(int pw, double px, double py) {
        px = Math.min(Math.max(px, 0), w + FRAME);
        py = Math.min(Math.max(py, 0), h + FRAME);
        int x0 = (int) px;
        int y0 = (int) py;
        return interpolate(y0 * pw + x0, pw, (float) (px - x0), (float) (py - y0));
    }

    /** The padded source between pixel {@code i}, its right, lower and lower-right neighbours, at fractions (fx, fy). */
    private float interpolate(int i, int pw, float fx, float fy) {
        float top = source[i] + fx * (source[i + 1] - source[i]);
        float bottom = source[i + pw] + fx * (source[i + pw + 1] - source[i + pw]);
        return top + fy * (bottom - top);
    }

    /** Narrows {@code span} (x from, x to) to the x where {@code start + step·x} lies within [lo, hi]; {@code per} is 1 / step. */
    private static void narrow(double[] span, double start, double step, double per, double lo, double hi) {
        if (step == 0) {
            if (start < lo || start > hi) {
                span[0] = 1;
                span[1] = 0; // empty
            }
            return;
        }
        double at = (lo - start) * per;
        double until = (hi - start) * per;
        double first = at < until ? at : until; // not Math.min: its care for -0 and NaN costs a row 10 ns
        double last = at < until ? until : at;
        span[0] = first > span[0] ? first : span[0];
        span[1] = last < span[1] ? last : span[1];
    }

    /**
     * The inverse map of Keras' rotation, zoom and translation, composed: the picture is turned
     * {@code radians} counter-clockwise (as seen, y pointing down), its coordinates scaled by
     * {@code zoom} (above 1 the content shrinks), then moved {@code shiftX}, {@code shiftY} pixels
     * (right, down). Returns {@code {a00, a01, a10, a11, dx, dy}} for {@link #affine}.
     */
    public static double[] inverseMap(double radians, double zoom, double shiftX, double shiftY) {
        return inverseMap(radians, zoom, 0, shiftX, shiftY);
    }

    /**
     * As {@link #inverseMap(double, double, double, double)}, with a horizontal shear first: an
     * output pixel {@code y} rows below the centre reads the input {@code shear·y} pixels to its right,
     * as Keras' {@code RandomShear} transform {@code [[1, s_x], [0, 1]]} maps output to input
     * coordinates (Keras shears about the corner, which also moves the digit; here the centre
     * stays, translation being its own change).
     */
    public static double[] inverseMap(double radians, double zoom, double shear, double shiftX, double shiftY) {
        double c = Math.cos(radians);
        double s = Math.sin(radians);
        // forward: out = R·in/zoom + shift with R = [c s; -s c] (counter-clockwise with y down);
        // inverse: in = zoom·R⁻¹·(out - shift), R⁻¹ = [c -s; s c]; then the shear [1 shear; 0 1]
        double r00 = zoom * c;
        double r01 = -zoom * s;
        double r10 = zoom * s;
        double r11 = zoom * c;
        double a00 = r00 + shear * r10;
        double a01 = r01 + shear * r11;
        double a10 = r10;
        double a11 = r11;
        return new double[] {a00, a01, a10, a11, -(a00 * shiftX + a01 * shiftY), -(a10 * shiftX + a11 * shiftY)};
    }

    /**
     * Grey-level dilation ({@code radius > 0}, thicker strokes) or erosion ({@code radius < 0},
     * thinner) with the 4-neighbour cross, {@code |radius|} times; a fractional part blends the
     * last step in proportion, so the width changes continuously with the radius.
     */
    public void stroke(float[] in, double radius, float[] out) {
        stroke(in, InkBox.of(in, h, w), radius, out);
    }

    /** {@link #stroke(float[], double, float[])} of a picture whose ink lies in {@code ink}. */
    void stroke(float[] in, InkBox ink, double radius, float[] out) {
        Arrays.fill(out, 0, h * w, 0f);
        boolean thicken = radius > 0;
        double left = Math.abs(radius);
        // a dilation reaches one pixel further each step; an erosion never leaves the ink's box
        InkBox box = ink.grown(thicken ? (int) Math.ceil(left - 1e-6) : 0, h, w);
        if (box.isEmpty()) {
            return;
        }
        if (!(left > 1e-6)) { // no step to take: the picture as it is
            for (int y = box.top(); y <= box.bottom(); y++) {
                System.arraycopy(in, y * w + box.left(), out, y * w + box.left(), box.width());
            }
            return;
        }
        // The box's rows laid side by side between zero columns, with a zero row above and below:
        // background all round, so a pixel's neighbours are at -1, +1, -pw, +pw with nothing to test,
        // and each step is one run over the whole box (the gaps' results are dropped). Grey levels are
        // compared as their bit patterns, which order non-negative floats as their values do: an int
        // maximum is a conditional move, where a float comparison is a branch mispredicted at every
        // stroke edge.
        int bw = box.width();
        int bh = box.height();
        int pw = bw + 1;
        int length = (bh + 2) * pw + 1;
        if (levels.length < length) {
            levels = new int[length];
            stepped = new float[length];
        }
        Arrays.fill(levels, 0, length, 0);
        for (int y = 0; y < bh; y++) {
            int from = (box.top() + y) * w + box.left();
            for (int x = 0, at = (y + 1) * pw + 1; x < bw; x++) {
                levels[at + x] = Float.floatToRawIntBits(Math.abs(in[from + x])); // abs: -0 is 0
            }
        }
        int from = pw + 1;
        int to = (bh + 1) * pw;
        while (left > 1e-6) {
            float step = (float) Math.min(1, left);
            if (thicken) {
                for (int i = from; i < to; i++) {
                    float v = Float.intBitsToFloat(levels[i]);
                    int m = Math.max(Math.max(Math.max(levels[i - 1], levels[i + 1]), Math.max(levels[i - pw], levels[i + pw])), levels[i]);
                    stepped[i] = v + step * (Float.intBitsToFloat(m) - v);
                }
            } else {
                for (int i = from; i < to; i++) {
                    float v = Float.intBitsToFloat(levels[i]);
                    int m = Math.min(Math.min(Math.min(levels[i - 1], levels[i + 1]), Math.min(levels[i - pw], levels[i + pw])), levels[i]);
                    stepped[i] = v + step * (Float.intBitsToFloat(m) - v);
                }
            }
            left -= step;
            for (int y = 0; y < bh; y++) {
                int at = (y + 1) * pw + 1;
                if (left > 1e-6) { // another step: back into the levels rows, the gaps kept 0
                    for (int x = 0; x < bw; x++) {
                        levels[at + x] = Float.floatToRawIntBits(Math.abs(stepped[at + x]));
                    }
                } else {
                    System.arraycopy(stepped, at, out, (box.top() + y) * w + box.left(), bw);
                }
            }
        }
    }

    /**
     * Gaussian blur of standard deviation {@code sigma} pixels (separable, kernel cut at 3 sigma,
     * zero outside the picture), in place of nothing: reads {@code in}, writes {@code out}.
     */
    public void blur(float[] in, double sigma, float[] out) {
        blur(in, InkBox.of(in, h, w), sigma, out);
    }

    /** {@link #blur(float[], double, float[])} of a picture whose ink lies in {@code box}. */
    void blur(float[] in, InkBox box, double sigma, float[] out) {
        Arrays.fill(out, 0, h * w, 0f);
        if (box.isEmpty()) {
            return;
        }
        float[] kernel = gaussian(sigma);
        int r = kernel.length / 2;
        // The box's rows laid side by side with 2r zeros before each, and every tap one run over the
        // whole box (hundreds of pixels, not one row of 28): no bounds to test, and no chain of
        // dependent adds as summing the taps pixel by pixel makes (twice as fast). Along a row the
        // result spans the box widened by r on each side: pw columns, from the box's left - r.
        int bw = box.width();
        int bh = box.height();
        int pw = bw + 2 * r;
        int oh = bh + 2 * r;
        if (columns.length < oh * pw) {
            padded = new float[oh * pw]; // at least bh·pw + 2r
            rows = new float[oh * pw];
            columns = new float[oh * pw];
        }
        Arrays.fill(padded, 0, bh * pw + 2 * r, 0f);
        Arrays.fill(rows, 0, bh * pw, 0f);
        Arrays.fill(columns, 0, oh * pw, 0f);
        for (int y = 0; y < bh; y++) {
            System.arraycopy(in, (box.top() + y) * w + box.left(), padded, y * pw + 2 * r, bw);
        }
        for (int k = 0; k < kernel.length; k++) {
            float t = kernel[k];
            for (int p = 0, end = bh * pw; p < end; p++) {
                rows[p] += t * padded[p + k];
            }
        }
        // down the columns: output row u (counted from the box's top - r) adds tap d of the box's row
        // u + d - 2r; rows outside the box are zeros, so skipped
        for (int d = 0; d < kernel.length; d++) {
            float t = kernel[d];
            int start = Math.max(0, (2 * r - d) * pw);
            int end = Math.min(oh * pw, (bh + 2 * r - d) * pw);
            for (int p = start; p < end; p++) {
                columns[p] += t * rows[p - (2 * r - d) * pw];
            }
        }
        int top = box.top() - r;
        int left = box.left() - r;
        int x0 = Math.max(0, left);
        int x1 = Math.min(w, left + pw);
        for (int u = Math.max(0, -top); u < oh && top + u < h; u++) {
            System.arraycopy(columns, u * pw + x0 - left, out, (top + u) * w + x0, x1 - x0);
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
