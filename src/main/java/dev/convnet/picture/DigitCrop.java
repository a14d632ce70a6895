package dev.convnet.picture;

/**
 * Stage 6: finds the digit in the ink map and crops to it. Specks apart from the digit (dust, JPEG
 * ringing, the last of a shadow's edge) would widen the crop and shrink the digit, so connected
 * pieces of ink (8-connected) with less than {@link #MIN_PIECE} of the largest piece's ink are
 * dropped first; the pieces of a digit written in several strokes each carry far more.
 */
final class DigitCrop {
    static final float MIN_PIECE = 0.05f;

    private DigitCrop() {
    }

    /** The crop around the digit's ink, or null when no ink is left. */
    static Plane crop(Plane ink) {
        int w = ink.width;
        int h = ink.height;
        int[] label = new int[w * h];
        double[] mass = new double[16];
        int pieces = 0;
        int[] queue = new int[w * h];
        for (int start = 0; start < label.length; start++) {
            if (ink.values[start] <= 0 || label[start] != 0) {
                continue;
            }
            pieces++;
            if (pieces >= mass.length) {
                mass = java.util.Arrays.copyOf(mass, mass.length * 2);
            }
            label[start] = pieces;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            while (head < tail) {
                int i = queue[head++];
                mass[pieces] += ink.values[i];
                int x = i % w;
                int y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h) {
                            int j = ny * w + nx;
                            if (label[j] == 0 && ink.values[j] > 0) {
                                label[j] = pieces;
                                queue[tail++] = j;
                            }
                        }
                    }
                }
            }
        }
        double largest = 0;
        for (int p = 1; p <= pieces; p++) {
            largest = Math.max(largest, mass[p]);
        }
        if (largest <= 0) {
            return null;
        }
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int i = 0; i < label.length; i++) {
            if (label[i] == 0) {
                continue;
            }
            if (mass[label[i]] < MIN_PIECE * largest) {
                ink.values[i] = 0;
                continue;
            }
            int x = i % w;
            int y = i / w;
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
        }
        return ink.crop(x0, y0, x1 + 1, y1 + 1);
    }
}
