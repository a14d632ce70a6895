package dev.convnet.picture;

/**
 * Stage 7: brings the pen's width near MNIST's. A 4 px pen on a 1000 px picture becomes a
 * hair-thin stroke in 20x20, a marker a blob; the model learnt neither. The digit, fitted into a box
 * of {@link #BOX} pixels ({@link #SCALE} times MNIST's 20), has its stroke width estimated as twice
 * its ink area over its outline's length (a stroke of width w and length L has area wL and an
 * outline of 2L), and is dilated (thin) or eroded (thick) towards {@link #TARGET}.
 */
final class StrokeWidth {
    static final int SCALE = 4;
    static final int BOX = 20 * SCALE;
    /** MNIST's median stroke width at this scale, measured by {@link #estimate} on its first 2,000 training digits
     * (7.8; 5.7 at the 10th percentile, 11.3 at the 90th). */
    static final float TARGET = 8.0f;
    /** Widths within [TARGET / TOLERANCE, TARGET * TOLERANCE] are left as written. */
    private static final float TOLERANCE = 1.4f;

    private StrokeWidth() {
    }

    /** {@code digit} scaled to fit {@link #BOX} x {@link #BOX}, keeping its aspect ratio. */
    static Plane fit(Plane digit) {
        float scale = (float) BOX / Math.max(digit.width, digit.height);
        int w = Math.max(1, Math.round(digit.width * scale));
        int h = Math.max(1, Math.round(digit.height * scale));
        return Resample.to(digit, w, h);
    }

    /**
     * Twice the ink area (pixels at least half full) over the outline's length, in pixels; 0 without
     * ink. The outline counts each side of an inked pixel that faces no ink: 4 per inked pixel, less
     * 2 per pair of inked 4-neighbours (their shared side faces ink both ways).
     */
    static float estimate(Plane p) {
        int w = p.width;
        int h = p.height;
        float[] v = p.values;
        long area = 0;
        long pairs = 0;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            boolean left = false;
            for (int x = 0; x < w; x++) {
                boolean inked = v[row + x] >= 0.5f;
                if (inked) {
                    area++;
                    pairs += (left ? 1 : 0) + (y > 0 && v[row - w + x] >= 0.5f ? 1 : 0);
                }
                left = inked;
            }
        }
        long outline = 4 * area - 2 * pairs;
        return outline == 0 ? 0 : 2f * area / outline;
    }

    /** The fitted digit with its strokes brought near {@link #TARGET} wide. */
    static Plane normalise(Plane fitted) {
        float width = estimate(fitted);
        if (width <= 0) {
            return fitted;
        }
        if (width < TARGET / TOLERANCE) {
            int r = Math.round((TARGET - width) / 2);
            // Padding keeps the thickened strokes inside; the fit to 20x20 that follows takes it into account.
            return Morphology.dilate(pad(fitted, r), r);
        }
        if (width > TARGET * TOLERANCE) {
            int r = Math.round((width - TARGET) / 2);
            Plane eroded = Morphology.erode(fitted, r);
            while (r > 1 && estimate(eroded) < TARGET / TOLERANCE) { // never erode a stroke away
                r--;
                eroded = Morphology.erode(fitted, r);
            }
            return eroded;
        }
        return fitted;
    }

    private static Plane pad(Plane p, int r) {
        Plane out = new Plane(p.width + 2 * r, p.height + 2 * r);
        for (int y = 0; y < p.height; y++) {
            System.arraycopy(p.values, y * p.width, out.values, (y + r) * out.width + r, p.width);
        }
        return out;
    }
}
