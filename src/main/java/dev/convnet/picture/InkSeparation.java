package dev.convnet.picture;

/**
 * Stage 5: separates ink from paper and decides whether there is a digit at all. The threshold is
 * Otsu's (N. Otsu, "A threshold selection method from gray-level histograms", IEEE SMC 9(1), 1979):
 * the level that best splits the contrast histogram into two classes. Below it a pixel is paper
 * (exactly 0, as MNIST's background); above it ink is stretched so that the typical ink pixel
 * reaches full intensity (MNIST's strokes are 255 at their core whatever pen wrote them).
 *
 * <p>Nothing there ("no digit"): the two classes differ by less than {@link #MIN_CONTRAST} (blank
 * paper, JPEG noise, a cleared canvas) or the ink covers fewer than {@link #MIN_INK_FRACTION} of
 * the picture (a speck).
 */
final class InkSeparation {
    /** Ink must differ from paper by at least this (a pencil at grey 200 on white paper is 0.22). */
    static final float MIN_CONTRAST = 0.1f;
    /** Ink must cover at least this fraction of the picture (a 1000 px picture: 100 pixels). */
    static final float MIN_INK_FRACTION = 1e-4f;
    private static final int BINS = 256;

    private InkSeparation() {
    }

    /**
     * Otsu's split of a contrast plane: the threshold, how many pixels lie above it and the two
     * classes' mean contrast.
     */
    record Split(int bin, float threshold, int inkCount, double inkMean, double paperMean, int[] histogram) {
        /** How far the ink stands from the paper: the two classes' means apart. */
        double separation() {
            return inkMean - paperMean;
        }
    }

    static Split split(Plane contrast) {
        float[] v = contrast.values;
        int[] histogram = new int[BINS];
        for (float x : v) {
            histogram[Math.min(BINS - 1, (int) (x * (BINS - 1) + 0.5f))]++;
        }
        int t = otsu(histogram, v.length);
        float threshold = (t + 0.5f) / (BINS - 1);
        int inkCount = 0;
        double inkSum = 0;
        double paperSum = 0;
        for (float x : v) {
            if (x > threshold) {
                inkCount++;
                inkSum += x;
            } else {
                paperSum += x;
            }
        }
        return new Split(t, threshold, inkCount, inkSum / Math.max(1, inkCount), paperSum / Math.max(1, v.length - inkCount), histogram);
    }

    /** Ink in [0, 1] on an exact 0 background, or null when there is no digit. */
    static Plane separate(Plane contrast) {
        return separate(contrast, split(contrast));
    }

    /** As {@link #separate(Plane)}, with the plane's split already made. */
    static Plane separate(Plane contrast, Split split) {
        float[] v = contrast.values;
        int minInk = Math.max(4, (int) Math.ceil(MIN_INK_FRACTION * v.length));
        if (split.inkCount() < minInk || split.separation() < MIN_CONTRAST) {
            return null;
        }
        float threshold = split.threshold();
        float full = Math.max(medianAbove(split.histogram(), split.bin(), split.inkCount()), threshold + 0.05f); // the median ink pixel reaches 1
        float floor = 0.75f * threshold; // anti-aliased edges just below the threshold keep some ink
        Plane out = new Plane(contrast.width, contrast.height);
        for (int i = 0; i < v.length; i++) {
            out.values[i] = Math.max(0f, Math.min(1f, (v[i] - floor) / (full - floor)));
        }
        return out;
    }

    /** The median of the values above bin {@code t}, to a bin's width. */
    private static float medianAbove(int[] histogram, int t, int count) {
        int seen = 0;
        for (int b = t + 1; b < histogram.length; b++) {
            seen += histogram[b];
            if (2 * seen >= count) {
                return (float) b / (BINS - 1);
            }
        }
        return 1f;
    }

    /** The bin that maximises the between-class variance; everything above it is the brighter class. */
    static int otsu(int[] histogram, int total) {
        double sumAll = 0;
        for (int i = 0; i < histogram.length; i++) {
            sumAll += (double) i * histogram[i];
        }
        double sumBelow = 0;
        long below = 0;
        double best = -1;
        int bestBin = 0;
        for (int t = 0; t < histogram.length - 1; t++) {
            below += histogram[t];
            sumBelow += (double) t * histogram[t];
            long above = total - below;
            if (below == 0 || above == 0) {
                continue;
            }
            double meanBelow = sumBelow / below;
            double meanAbove = (sumAll - sumBelow) / above;
            double between = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) {
                best = between;
                bestBin = t;
            }
        }
        return bestBin;
    }
}
