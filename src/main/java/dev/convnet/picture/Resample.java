package dev.convnet.picture;

/**
 * Resizes a plane: area averaging when shrinking (each output pixel the mean of the input area it
 * covers, fractions of pixels weighted, which keeps thin strokes' ink as MNIST's anti-aliasing did)
 * and bilinear interpolation when enlarging. Separable: rows first, then columns.
 */
final class Resample {
    private Resample() {
    }

    static Plane to(Plane in, int width, int height) {
        if (width == in.width && height == in.height) {
            return in.copy();
        }
        Rows rows = new Rows(in, width, height);
        Plane out = new Plane(width, height);
        for (int y = 0; y < height; y++) {
            rows.row(y, out.values, y * width);
        }
        return out;
    }

    /**
     * A resize read one output row at a time, so that a large result need not be held whole (the
     * paper estimate is enlarged to the picture's size this way). The input is resized across
     * first; each output row is then its weighted rows, in the order {@link #to} sums them.
     */
    static final class Rows {
        private final Plane across;
        private final Weights down;

        Rows(Plane in, int width, int height) {
            Weights weights = new Weights(in.width, width);
            across = new Plane(width, in.height);
            for (int y = 0; y < in.height; y++) {
                weights.line(in.values, y * in.width, 1, across.values, y * width, 1);
            }
            down = new Weights(in.height, height);
        }

        /** Output row {@code y} into {@code out} from {@code at}. */
        void row(int y, float[] out, int at) {
            int width = across.width;
            java.util.Arrays.fill(out, at, at + width, 0f);
            float[] w = down.weight[y];
            for (int k = 0, from = down.first[y] * width; k < w.length; k++, from += width) {
                float t = w[k];
                for (int x = 0; x < width; x++) {
                    out[at + x] += t * across.values[from + x];
                }
            }
        }
    }

    /**
     * Which input samples make each of m outputs from n inputs, and by how much: worked out once
     * per resize, not once per line. Shrinking, output j is the mean of the input span
     * [j n/m, (j+1) n/m), partly covered samples weighted by the part covered; enlarging, it is
     * interpolated between the two samples around its centre (centres aligned, edges clamped).
     */
    private static final class Weights {
        private final int[] first;
        private final float[][] weight;

        Weights(int n, int m) {
            first = new int[m];
            weight = new float[m][];
            double scale = (double) n / m;
            for (int j = 0; j < m; j++) {
                if (m < n) {
                    double from = j * scale;
                    double to = from + scale;
                    int i0 = (int) from;
                    int i1 = Math.min(n, (int) Math.ceil(to));
                    first[j] = i0;
                    weight[j] = new float[i1 - i0];
                    for (int i = i0; i < i1; i++) {
                        weight[j][i - i0] = (float) ((Math.min(to, i + 1) - Math.max(from, i)) / scale);
                    }
                } else {
                    double at = (j + 0.5) * scale - 0.5;
                    int i0 = (int) Math.floor(at);
                    float f = (float) (at - i0);
                    int a = Math.max(0, Math.min(n - 1, i0));
                    int b = Math.max(0, Math.min(n - 1, i0 + 1));
                    first[j] = a;
                    weight[j] = b == a ? new float[] {1} : new float[] {1 - f, f};
                }
            }
        }

        void line(float[] src, int srcStart, int srcStep, float[] dst, int dstStart, int dstStep) {
            for (int j = 0; j < first.length; j++) {
                float[] w = weight[j];
                int at = srcStart + first[j] * srcStep;
                float sum = 0;
                for (int k = 0; k < w.length; k++, at += srcStep) {
                    sum += w[k] * src[at];
                }
                dst[dstStart + j * dstStep] = sum;
            }
        }
    }
}
