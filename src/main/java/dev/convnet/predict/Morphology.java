package dev.convnet.predict;

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

    static Plane blur(Plane in, int r) {
        Plane rows = new Plane(in.width, in.height);
        for (int y = 0; y < in.height; y++) {
            for (int x = 0; x < in.width; x++) {
                float sum = 0;
                int n = 0;
                for (int k = Math.max(0, x - r); k <= Math.min(in.width - 1, x + r); k++) {
                    sum += in.values[y * in.width + k];
                    n++;
                }
                rows.values[y * in.width + x] = sum / n;
            }
        }
        Plane out = new Plane(in.width, in.height);
        for (int x = 0; x < in.width; x++) {
            for (int y = 0; y < in.height; y++) {
                float sum = 0;
                int n = 0;
                for (int k = Math.max(0, y - r); k <= Math.min(in.height - 1, y + r); k++) {
                    sum += rows.values[k * in.width + x];
                    n++;
                }
                out.values[y * in.width + x] = sum / n;
            }
        }
        return out;
    }

    private static Plane filter(Plane in, int r, boolean max) {
        if (r <= 0) {
            return in.copy();
        }
        Plane rows = new Plane(in.width, in.height);
        for (int y = 0; y < in.height; y++) {
            for (int x = 0; x < in.width; x++) {
                float best = in.values[y * in.width + x];
                for (int k = Math.max(0, x - r); k <= Math.min(in.width - 1, x + r); k++) {
                    float v = in.values[y * in.width + k];
                    best = max ? Math.max(best, v) : Math.min(best, v);
                }
                rows.values[y * in.width + x] = best;
            }
        }
        Plane out = new Plane(in.width, in.height);
        for (int x = 0; x < in.width; x++) {
            for (int y = 0; y < in.height; y++) {
                float best = rows.values[y * in.width + x];
                for (int k = Math.max(0, y - r); k <= Math.min(in.height - 1, y + r); k++) {
                    float v = rows.values[k * in.width + x];
                    best = max ? Math.max(best, v) : Math.min(best, v);
                }
                out.values[y * in.width + x] = best;
            }
        }
        return out;
    }
}
