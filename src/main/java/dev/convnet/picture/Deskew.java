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
     * {@code ink} stood upright, on a plane just wide enough for what the shear moves sideways;
     * {@code ink} itself when it has no ink or no height.
     */
    static Plane upright(Plane ink) {
        Slant slant = slant(ink);
        double skew = slant.skew();
        if (skew == 0) {
            return ink;
        }
        // Output x reads the input at x + origin + shift(y), between the samples x0 = x + whole and
        // x0 + 1, with one fraction all along the row. The shift is linear in y, so its extremes are
        // the first and last rows'; origin puts the leftmost x that can get ink at 0.
        double top = skew * -slant.centreY();
        double bottom = skew * (ink.height - 1 - slant.centreY());
        int origin = -1 - (int) Math.floor(Math.max(top, bottom));
        int w = ink.width + (int) Math.floor(Math.max(top, bottom)) - (int) Math.floor(Math.min(top, bottom)) + 1;
        Plane out = new Plane(w, ink.height);
        float[] in = ink.values;
        for (int y = 0; y < ink.height; y++) {
            double shift = skew * (y - slant.centreY()) + origin;
            int whole = (int) Math.floor(shift);
            float f = (float) (shift - whole);
            int row = y * ink.width;
            int at = y * w;
            int from = Math.max(0, -1 - whole); // only the x whose two samples touch the row can get ink
            int to = Math.min(w, ink.width - whole);
            for (int x = from; x < to; x++) {
                int x0 = x + whole;
                float left = x0 >= 0 ? in[row + x0] : 0f;
                float right = x0 + 1 < ink.width ? in[row + x0 + 1] : 0f;
                out.values[at + x] = left + (right - left) * f;
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

    /** The moments in one pass, row by row: mu11 = Σv·x·y − m·x̄·ȳ and mu02 = Σv·y² − m·ȳ² (in double). */
    private static Slant slant(Plane ink) {
        double mass = 0;
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double syy = 0;
        for (int y = 0; y < ink.height; y++) {
            double rowMass = 0;
            double rowX = 0;
            for (int x = 0, at = y * ink.width; x < ink.width; x++) {
                float v = ink.values[at + x];
                rowMass += v;
                rowX += v * x;
            }
            mass += rowMass;
            sx += rowX;
            sy += rowMass * y;
            sxy += rowX * y;
            syy += rowMass * y * y;
        }
        if (mass <= 0) {
            return new Slant(0, 0);
        }
        double cx = sx / mass;
        double cy = sy / mass;
        double mu11 = sxy - mass * cx * cy;
        double mu02 = syy - mass * cy * cy;
        // one row of ink has no slant; differences of sums can leave it a rounding error instead of 0
        double skew = mu02 > 1e-9 * mass ? Math.max(-MAX_SKEW, Math.min(MAX_SKEW, mu11 / mu02)) : 0;
        return new Slant(skew, cy);
    }
}
