package dev.convnet.picture;

/**
 * Grey-level dilation (maximum) and erosion (minimum) over a (2r+1) x (2r+1) square, separable,
 * and a box blur; the building blocks of the paper estimate (a closing) and of stroke-width
 * normalisation. Pixels outside the plane are ignored (the window is clipped).
 */
final class Morphology {
    private Morphology() {
    }

    static Plane dilate(Plane in, int r) {
        return filter(in, r, true);
    }

    static Plane erode(Plane in, int r) {
        return filter(in, r, false);
    }

    /** A closing: dark details narrower than 2r+1 pixels filled with the light around them. */
    static Plane close(Plane in, int r) {
        return erode(dilate(in, r), r);
    }

    /** An opening: light details narrower than 2r+1 pixels removed. */
    static Plane open(Plane in, int r) {
        return dilate(erode(in, r), r);
    }

    /** A box blur of radius {@code r}, rows then columns; at the edges the mean of the pixels inside. */
    static Plane blur(Plane in, int r) {
        return separable(in, r, Reduce.MEAN);
    }

    private static Plane filter(Plane in, int r, boolean max) {
        return r <= 0 ? in.copy() : separable(in, r, max ? Reduce.MAX : Reduce.MIN);
    }

    /** How a window of pixels becomes one. */
    private enum Reduce { MEAN, MIN, MAX }

    /**
     * {@code reduce} over a (2r+1)-pixel window along the rows, then along the columns, clipped at
     * the edges. The column pass works on whole rows at a time, so both passes read memory in order.
     */
    private static Plane separable(Plane in, int r, Reduce reduce) {
        int w = in.width;
        int h = in.height;
        float[] rows = new float[w * h];
        rowPass(in.values, rows, w, h, r, reduce);
        float[] out = new float[w * h];
        if (reduce == Reduce.MEAN) {
            columnMeans(rows, out, w, h, r);
        } else {
            columnExtremes(rows, out, w, h, r, reduce == Reduce.MAX);
        }
        return new Plane(w, h, out);
    }

    /** {@link #mean} down the columns: running totals of whole rows, in double. */
    private static void columnMeans(float[] in, float[] out, int w, int h, int r) {
        double[] total = new double[(h + 1) * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0, from = y * w, to = (y + 1) * w; x < w; x++) {
                total[to + x] = total[from + x] + in[from + x];
            }
        }
        for (int y = 0; y < h; y++) {
            int lo = Math.max(0, y - r) * w;
            int hi = Math.min(h, y + r + 1) * w;
            double scale = 1.0 / ((hi - lo) / w);
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (float) ((total[hi + x] - total[lo + x]) * scale);
            }
        }
    }

    /** {@link Extremes} down the columns: prefix and suffix rows over blocks of 2r+1 rows, each step a whole row. */
    private static void columnExtremes(float[] in, float[] out, int w, int h, int r, boolean max) {
        int size = 2 * r + 1;
        int rows = ((h + 2 * r + size - 1) / size) * size; // padded by r neutral rows each side, whole blocks
        float[] padded = new float[rows * w];
        java.util.Arrays.fill(padded, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        System.arraycopy(in, 0, padded, r * w, h * w);
        float[] prefix = new float[rows * w];
        float[] suffix = new float[rows * w];
        for (int block = 0; block < rows; block += size) {
            int first = block * w;
            int last = (block + size - 1) * w;
            System.arraycopy(padded, first, prefix, first, w);
            System.arraycopy(padded, last, suffix, last, w);
            for (int k = first + w; k <= last; k += w) {
                combine(prefix, k - w, padded, k, prefix, k, w, max);
            }
            for (int k = last - w; k >= first; k -= w) {
                combine(suffix, k + w, padded, k, suffix, k, w, max);
            }
        }
        for (int y = 0; y < h; y++) {
            combine(suffix, y * w, prefix, (y + 2 * r) * w, out, y * w, w, max);
        }
    }

    /** {@code n} maxima (or minima) of a[i..] and b[j..] into out[k..]: one loop each way, with no test of which inside. */
    private static void combine(float[] a, int i, float[] b, int j, float[] out, int k, int n, boolean max) {
        if (max) {
            for (int x = 0; x < n; x++) {
                out[k + x] = a[i + x] > b[j + x] ? a[i + x] : b[j + x];
            }
        } else {
            for (int x = 0; x < n; x++) {
                out[k + x] = a[i + x] < b[j + x] ? a[i + x] : b[j + x];
            }
        }
    }

    /**
     * One pass along each row of a {@code width}-wide plane, in time independent of r: a running sum
     * for the mean, and for the minimum and maximum van Herk's and Gil and Werman's algorithm (M. van
     * Herk, Pattern Recognition Letters 13, 1992; J. Gil and M. Werman, IEEE PAMI 15, 1993): prefix and
     * suffix extremes over blocks of 2r+1 samples, so any window is one suffix and one prefix.
     */
    private static void rowPass(float[] in, float[] out, int width, int height, int r, Reduce reduce) {
        Extremes extremes = reduce == Reduce.MEAN ? null : new Extremes(width, r, reduce == Reduce.MAX);
        double[] total = reduce == Reduce.MEAN ? new double[width + 1] : null;
        for (int y = 0, at = 0; y < height; y++, at += width) {
            if (extremes == null) {
                mean(in, at, width, r, out, total);
            } else {
                extremes.window(in, at, out);
            }
        }
    }

    /**
     * The mean of each clipped window of the n values from {@code at}: differences of a running total
     * (in double, so rounding does not build up along a line), kept in {@code total}, n + 1 long at least.
     */
    private static void mean(float[] line, int at, int n, int r, float[] out, double[] total) {
        double t = 0;
        total[0] = 0;
        for (int i = 0; i < n; i++) {
            t += line[at + i];
            total[i + 1] = t;
        }
        double full = 1.0 / (2 * r + 1);
        for (int i = 0; i < n; i++) {
            int lo = Math.max(0, i - r);
            int hi = Math.min(n, i + r + 1);
            double sum = total[hi] - total[lo];
            out[at + i] = (float) (hi - lo == 2 * r + 1 ? sum * full : sum / (hi - lo));
        }
    }

    /** Window extremes in three comparisons per sample whatever the window's size (van Herk / Gil-Werman). */
    private static final class Extremes {
        private final int r;
        private final int size;
        private final boolean max;
        /** The line padded by r samples each side with the neutral value, rounded up to whole blocks. */
        private final float[] padded;
        private final float[] prefix;
        private final float[] suffix;
        private final int length;

        Extremes(int length, int r, boolean max) {
            this.length = length;
            this.r = r;
            this.size = 2 * r + 1;
            this.max = max;
            int n = ((length + 2 * r + size - 1) / size) * size;
            padded = new float[n];
            prefix = new float[n];
            suffix = new float[n];
        }

        /** The window extremes of the {@code length} values from {@code at}, written to {@code out} from {@code at}. */
        void window(float[] line, int at, float[] out) {
            java.util.Arrays.fill(padded, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
            System.arraycopy(line, at, padded, r, length);
            if (max) {
                maxima(out, at);
            } else {
                minima(out, at);
            }
        }

        // Two copies, one per direction, so the innermost loops carry no test of which (samples are never NaN).
        private void maxima(float[] out, int at) {
            for (int block = 0; block < padded.length; block += size) {
                int last = block + size - 1;
                prefix[block] = padded[block];
                for (int k = block + 1; k <= last; k++) {
                    prefix[k] = padded[k] > prefix[k - 1] ? padded[k] : prefix[k - 1];
                }
                suffix[last] = padded[last];
                for (int k = last - 1; k >= block; k--) {
                    suffix[k] = padded[k] > suffix[k + 1] ? padded[k] : suffix[k + 1];
                }
            }
            // output i's window is padded[i, i + 2r]: the suffix from i within its block, the prefix up to i + 2r in the next
            for (int i = 0; i < length; i++) {
                out[at + i] = suffix[i] > prefix[i + 2 * r] ? suffix[i] : prefix[i + 2 * r];
            }
        }

        private void minima(float[] out, int at) {
            for (int block = 0; block < padded.length; block += size) {
                int last = block + size - 1;
                prefix[block] = padded[block];
                for (int k = block + 1; k <= last; k++) {
                    prefix[k] = padded[k] < prefix[k - 1] ? padded[k] : prefix[k - 1];
                }
                suffix[last] = padded[last];
                for (int k = last - 1; k >= block; k--) {
                    suffix[k] = padded[k] < suffix[k + 1] ? padded[k] : suffix[k + 1];
                }
            }
            for (int i = 0; i < length; i++) {
                out[at + i] = suffix[i] < prefix[i + 2 * r] ? suffix[i] : prefix[i + 2 * r];
            }
        }
    }
}
