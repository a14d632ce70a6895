package dev.convnet.picture;

/**
 * Stage 6: finds the digit in the ink map and crops to it. Specks apart from the digit (dust, JPEG
 * ringing, the last of a shadow's edge) would widen the crop and shrink the digit, so connected
 * pieces of ink (8-connected) with less than {@link #MIN_PIECE} of the largest piece's ink are
 * dropped first; the pieces of a digit written in several strokes each carry far more. A box drawn
 * around the digit (a form's cell, a frame) is dropped too ({@link Frame}): cropped with it, the digit
 * was a small mark in the middle of a square, and a framed 7 read as a 3.
 */
final class DigitCrop {
    static final float MIN_PIECE = 0.05f;

    private DigitCrop() {
    }

    /**
     * The 8-connected pieces of a plane's ink.
     *
     * @param label each pixel's piece, from 1; 0 where there is no ink
     * @param count how many pieces
     * @param mass each piece's ink, by label (index 0 unused)
     */
    record Pieces(int[] label, int count, double[] mass) {
    }

    static Pieces pieces(Plane ink) {
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
        return new Pieces(label, pieces, mass);
    }

    /** The crop around the digit's ink, or null when no ink is left. */
    static Plane crop(Plane ink) {
        int w = ink.width;
        int h = ink.height;
        Pieces found = pieces(ink);
        int[] label = found.label();
        int pieces = found.count();
        double[] mass = found.mass();
        double largest = 0;
        for (int p = 1; p <= pieces; p++) {
            largest = Math.max(largest, mass[p]);
        }
        if (largest <= 0) {
            return null;
        }
        boolean[] inFrame = Frame.inside(label, pieces, mass, w, MIN_PIECE * largest);
        if (inFrame != null) { // the frame and whatever lies outside it go with the specks; the digit is inside
            largest = 0;
            for (int p = 1; p <= pieces; p++) {
                mass[p] = inFrame[p] ? mass[p] : 0;
                largest = Math.max(largest, mass[p]);
            }
        }
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int i = 0; i < label.length; i++) {
            if (label[i] == 0) {
                continue;
            }
            if (mass[label[i]] < MIN_PIECE * largest) { // a speck, or the frame or beyond it (mass 0)
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

    /**
     * A box around the digit: the piece of ink whose bounding box holds every other piece inside it
     * (with at least 8 % of its ink: a thin 1 in a thick box), whose ink lies along its box's edges (at least 85 % of its
     * pixels within a tenth of the box's shorter side of an edge) and which has ink at all four corners.
     * A "0" has ink near its box's edges too, but not in the corners, and nothing inside.
     */
    static final class Frame {
        static final float EDGE_SHARE = 0.85f;
        static final float BAND = 0.1f;
        static final float INSIDE_MASS = 0.08f;

        private Frame() {
        }

        /**
         * Which pieces lie inside a frame, by label (the frame itself not), or null when no piece is a
         * frame; pieces under {@code minMass} are specks, ignored in finding it.
         */
        static boolean[] inside(int[] label, int pieces, double[] mass, int w, double minMass) {
            Bounds b = Bounds.of(label, pieces, w);
            int frame = find(label, pieces, mass, w, minMass, b);
            if (frame == 0) {
                return null;
            }
            boolean[] in = new boolean[pieces + 1];
            for (int p = 1; p <= pieces; p++) {
                in[p] = p != frame && b.x0[p] > b.x0[frame] && b.y0[p] > b.y0[frame] && b.x1[p] < b.x1[frame] && b.y1[p] < b.y1[frame];
            }
            return in;
        }

        /** Each piece's bounding box, by label. */
        private record Bounds(int[] x0, int[] y0, int[] x1, int[] y1) {
            static Bounds of(int[] label, int pieces, int w) {
                int[] x0 = new int[pieces + 1];
                int[] y0 = new int[pieces + 1];
                int[] x1 = new int[pieces + 1];
                int[] y1 = new int[pieces + 1];
                java.util.Arrays.fill(x0, Integer.MAX_VALUE);
                java.util.Arrays.fill(y0, Integer.MAX_VALUE);
                java.util.Arrays.fill(x1, -1);
                java.util.Arrays.fill(y1, -1);
                for (int i = 0; i < label.length; i++) {
                    int p = label[i];
                    if (p != 0) {
                        int x = i % w;
                        int y = i / w;
                        x0[p] = Math.min(x0[p], x);
                        y0[p] = Math.min(y0[p], y);
                        x1[p] = Math.max(x1[p], x);
                        y1[p] = Math.max(y1[p], y);
                    }
                }
                return new Bounds(x0, y0, x1, y1);
            }
        }

        /** The frame's label, or 0 when no piece is one. */
        private static int find(int[] label, int pieces, double[] mass, int w, double minMass, Bounds b) {
            int[] x0 = b.x0();
            int[] y0 = b.y0();
            int[] x1 = b.x1();
            int[] y1 = b.y1();
            int widest = 0;
            for (int p = 1; p <= pieces; p++) {
                if (mass[p] >= minMass && (widest == 0
                        || (long) (x1[p] - x0[p]) * (y1[p] - y0[p]) > (long) (x1[widest] - x0[widest]) * (y1[widest] - y0[widest]))) {
                    widest = p;
                }
            }
            if (widest == 0) {
                return 0;
            }
            double inside = 0;
            for (int p = 1; p <= pieces; p++) {
                if (p == widest || mass[p] < minMass) {
                    continue;
                }
                if (x0[p] <= x0[widest] || y0[p] <= y0[widest] || x1[p] >= x1[widest] || y1[p] >= y1[widest]) {
                    return 0; // a piece not inside it: strokes of one digit, not a box and its content
                }
                inside += mass[p];
            }
            if (inside < INSIDE_MASS * mass[widest]) {
                return 0;
            }
            return alongEdges(label, widest, x0[widest], y0[widest], x1[widest], y1[widest], w) ? widest : 0;
        }

        /**
         * Whether piece {@code p}'s ink lies along its box's edges and reaches into each corner by half
         * its stroke (its pixels over the box's perimeter): a box drawn with square corners does, a
         * rounded 0 of that stroke leaves its corners empty.
         */
        private static boolean alongEdges(int[] label, int p, int x0, int y0, int x1, int y1, int w) {
            int band = Math.max(2, Math.round(BAND * Math.min(x1 - x0 + 1, y1 - y0 + 1)));
            long pixels = 0;
            long nearEdge = 0;
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    if (label[y * w + x] == p) {
                        pixels++;
                        if (x < x0 + band || x > x1 - band || y < y0 + band || y > y1 - band) {
                            nearEdge++;
                        }
                    }
                }
            }
            if (nearEdge < EDGE_SHARE * pixels) {
                return false;
            }
            int corner = (int) Math.max(1, Math.round(pixels / (2.0 * (x1 - x0 + 1 + y1 - y0 + 1)) / 2));
            return inkNear(label, p, x0, y0, corner, w) && inkNear(label, p, x1 - corner + 1, y0, corner, w)
                    && inkNear(label, p, x0, y1 - corner + 1, corner, w) && inkNear(label, p, x1 - corner + 1, y1 - corner + 1, corner, w);
        }

        /** Whether piece {@code p} has ink in the {@code size}-pixel square from (x, y). */
        private static boolean inkNear(int[] label, int p, int x, int y, int size, int w) {
            for (int dy = 0; dy < size; dy++) {
                for (int dx = 0; dx < size; dx++) {
                    if (label[(y + dy) * w + x + dx] == p) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
