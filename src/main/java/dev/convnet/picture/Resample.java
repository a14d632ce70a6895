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
        Plane rows = new Plane(width, in.height);
        for (int y = 0; y < in.height; y++) {
            line(in.values, y * in.width, 1, in.width, rows.values, y * width, 1, width);
        }
        Plane out = new Plane(width, height);
        for (int x = 0; x < width; x++) {
            line(rows.values, x, width, in.height, out.values, x, width, height);
        }
        return out;
    }

    private static void line(float[] src, int srcStart, int srcStep, int n, float[] dst, int dstStart, int dstStep, int m) {
        if (m < n) {
            double scale = (double) n / m;
            for (int j = 0; j < m; j++) {
                double from = j * scale;
                double to = from + scale;
                double sum = 0;
                for (int i = (int) from; i < n && i < to; i++) {
                    double overlap = Math.min(to, i + 1) - Math.max(from, i);
                    sum += overlap * src[srcStart + i * srcStep];
                }
                dst[dstStart + j * dstStep] = (float) (sum / scale);
            }
        } else {
            double scale = (double) n / m;
            for (int j = 0; j < m; j++) {
                double at = (j + 0.5) * scale - 0.5;
                int i0 = (int) Math.floor(at);
                double f = at - i0;
                int a = Math.max(0, Math.min(n - 1, i0));
                int b = Math.max(0, Math.min(n - 1, i0 + 1));
                dst[dstStart + j * dstStep] = (float) ((1 - f) * src[srcStart + a * srcStep] + f * src[srcStart + b * srcStep]);
            }
        }
    }
}
