package dev.convnet.picture;

/**
 * Stage 7b: deskewing, the preprocessing behind many of the best results in the MNIST database's
 * table of classifiers (Y. LeCun, C. Cortes, C. Burges, "The MNIST database of handwritten digits":
 * "deskewing" rows). The ink is sheared horizontally about its centre of mass so that its second
 * moment {@code mu11} becomes 0: a slanted digit is stood upright, x moving by
 * {@code -(mu11 / mu02) · (y - ȳ)}. Writers slant their digits more than MNIST's do (italic scripts
 * lean 15-20°); upright digits are what every model trained on MNIST reads best.
 */
final class Deskew {
    /** A shear of at most 1 (45°): beyond that the "slant" of a blob or a bar is not handwriting's. */
    static final double MAX_SKEW = 1;

    private Deskew() {
    }

    /**
     * {@code ink} stood upright, on a plane widened by what the shear moves sideways; {@code ink}
     * itself when it has no ink or no height.
     */
    static Plane upright(Plane ink) {
        Slant slant = slant(ink);
        double skew = slant.skew();
        if (skew == 0) {
            return ink;
        }
        int margin = (int) Math.ceil(Math.abs(skew) * ink.height) + 1; // the centre may lie near one edge
        int w = ink.width + 2 * margin;
        Plane out = new Plane(w, ink.height);
        float[] in = ink.values;
        for (int y = 0; y < ink.height; y++) {
            double shift = skew * (y - slant.centreY()) - margin; // the output pixel x reads the input at x + shift
            int row = y * ink.width;
            for (int x = 0; x < w; x++) {
                double sx = x + shift;
                int x0 = (int) Math.floor(sx);
                float f = (float) (sx - x0);
                float left = x0 >= 0 && x0 < ink.width ? in[row + x0] : 0f;
                float right = x0 + 1 >= 0 && x0 + 1 < ink.width ? in[row + x0 + 1] : 0f;
                out.values[y * w + x] = left + (right - left) * f;
            }
        }
        return out;
    }

    /**
     * {@code mu11 / mu02} of the ink (x to the right, y down): how many pixels the ink moves right
     * per row down, clamped to ±{@link #MAX_SKEW}; 0 without ink.
     */
    static double skew(Plane ink) {
        return slant(ink).skew();
    }

    /** The ink's slant and the row of its centre of mass. */
    private record Slant(double skew, double centreY) {
    }

    private static Slant slant(Plane ink) {
        double mass = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < ink.height; y++) {
            for (int x = 0; x < ink.width; x++) {
                float v = ink.values[y * ink.width + x];
                mass += v;
                sx += v * x;
                sy += v * y;
            }
        }
        if (mass <= 0) {
            return new Slant(0, 0);
        }
        double cx = sx / mass;
        double cy = sy / mass;
        double mu11 = 0;
        double mu02 = 0;
        for (int y = 0; y < ink.height; y++) {
            for (int x = 0; x < ink.width; x++) {
                float v = ink.values[y * ink.width + x];
                mu11 += v * (x - cx) * (y - cy);
                mu02 += v * (y - cy) * (y - cy);
            }
        }
        double skew = mu02 > 0 ? Math.max(-MAX_SKEW, Math.min(MAX_SKEW, mu11 / mu02)) : 0;
        return new Slant(skew, cy);
    }
}
