package dev.convnet.data.augment;

/**
 * A rectangle of a picture outside which every pixel is 0 (background), in pixels, edges included:
 * what {@link ImageTransforms} works on instead of the whole picture. {@link #of} gives the
 * smallest; a transform may hand on a larger one. Empty ({@link #isEmpty()}) for a blank picture.
 */
record InkBox(int left, int top, int right, int bottom) {
    private static final InkBox EMPTY = new InkBox(0, 0, -1, -1);

    /** The smallest box of the {@code h×w} picture at the start of {@code pixels}, row after row. */
    static InkBox of(float[] pixels, int h, int w) {
        int top = 0;
        while (top < h && blank(pixels, top * w, w)) {
            top++;
        }
        if (top == h) {
            return EMPTY;
        }
        int bottom = h - 1;
        while (blank(pixels, bottom * w, w)) {
            bottom--;
        }
        // each row needs looking at only left of the leftmost ink so far, and right of the rightmost
        int left = w;
        int right = -1;
        for (int y = top; y <= bottom; y++) {
            int row = y * w;
            for (int x = 0; x < left; x++) {
                if (pixels[row + x] != 0) {
                    left = x;
                    break;
                }
            }
            for (int x = w - 1; x > right; x--) {
                if (pixels[row + x] != 0) {
                    right = x;
                    break;
                }
            }
        }
        return new InkBox(left, top, right, bottom);
    }

    private static boolean blank(float[] pixels, int from, int w) {
        int any = 0;
        for (int x = 0; x < w; x++) {
            any |= Float.floatToRawIntBits(pixels[from + x]) << 1; // the sign dropped: -0 is 0
        }
        return any == 0;
    }

    boolean isEmpty() {
        return right < left;
    }

    int width() {
        return right - left + 1;
    }

    int height() {
        return bottom - top + 1;
    }

    /** This box widened by {@code margin} pixels on every side, kept within an {@code h×w} picture. */
    InkBox grown(int margin, int h, int w) {
        if (isEmpty() || margin == 0) {
            return this;
        }
        return new InkBox(Math.max(0, left - margin), Math.max(0, top - margin), Math.min(w - 1, right + margin),
                Math.min(h - 1, bottom + margin));
    }

    /** The box of the spans of pixels a transform writes, row after row. */
    static final class Builder {
        private int left = Integer.MAX_VALUE;
        private int top = -1;
        private int right = -1;
        private int bottom = -1;

        /** Pixels {@code from..to} of row {@code y} may be other than 0. */
        void add(int y, int from, int to) {
            top = top < 0 ? y : Math.min(top, y);
            bottom = Math.max(bottom, y);
            left = Math.min(left, from);
            right = Math.max(right, to);
        }

        InkBox build() {
            return top < 0 ? EMPTY : new InkBox(left, top, right, bottom);
        }
    }
}
