package dev.convnet.picture;

/**
 * Which way the ink goes on a dark board: chalk lighter than the board, or a marker darker. Both
 * local comparisons ({@link PaperLight#inkContrast}) find something on either kind of board (the
 * board left inside a chalk loop looks dark next to the chalk around it), so neither's strength
 * decides. The board's own tone does: it is the picture's majority tone (its median, channel by
 * channel), and real ink differs from it while the board seen between strokes does not. Each
 * candidate's ink pixels (above its Otsu threshold) are compared with the median in the
 * candidate's direction, in the channel where they differ most; the larger difference is the ink.
 */
final class InkPolarity {
    private static final int LEVELS = 256;

    private InkPolarity() {
    }

    /**
     * @param dark contrast of dark ink, and {@code darkThreshold} its Otsu threshold
     * @param light contrast of light ink, and {@code lightThreshold} its Otsu threshold
     * @return true when the ink is darker than the board
     */
    static boolean darkInk(RawSamples samples, Plane dark, float darkThreshold, Plane light, float lightThreshold) {
        Plane[] channels = samples.channels();
        return standsOut(channels, dark, darkThreshold, -1) > standsOut(channels, light, lightThreshold, 1);
    }

    /** How far the pixels above {@code threshold} in {@code contrast} lie from the median, towards {@code sign}. */
    private static double standsOut(Plane[] channels, Plane contrast, float threshold, int sign) {
        double best = Double.NEGATIVE_INFINITY;
        for (Plane channel : channels) {
            double sum = 0;
            int n = 0;
            for (int i = 0; i < channel.values.length; i++) {
                if (contrast.values[i] > threshold) {
                    sum += channel.values[i];
                    n++;
                }
            }
            if (n > 0) {
                best = Math.max(best, sign * (sum / n - median(channel)));
            }
        }
        return best;
    }

    /** The median to 1/255. */
    private static float median(Plane p) {
        int[] histogram = new int[LEVELS];
        for (float v : p.values) {
            histogram[Math.max(0, Math.min(LEVELS - 1, Math.round(v * (LEVELS - 1))))]++;
        }
        int seen = 0;
        for (int b = 0; b < LEVELS; b++) {
            seen += histogram[b];
            if (2 * seen >= p.values.length) {
                return (float) b / (LEVELS - 1);
            }
        }
        return 1f;
    }
}
