package dev.convnet.picture;

/**
 * Stage 2: turns a plane upright as its EXIF Orientation says (TIFF 6.0 tag 274; the values are
 * where row 0 and column 0 of the stored picture belong when shown): every viewer applies it, so a
 * phone photo stored sideways is upright for the person who sends it.
 */
final class Orientation {
    private Orientation() {
    }

    /**
     * @param orientation 1 upright, 2 mirrored left-right, 3 turned 180°, 4 mirrored top-bottom,
     *     5 transposed, 6 stored turned 90° anticlockwise (shown turned clockwise), 7 transversed,
     *     8 stored turned 90° clockwise; anything else is treated as 1
     */
    static Plane upright(Plane in, int orientation) {
        if (in == null || orientation < 2 || orientation > 8) {
            return in;
        }
        int w = in.width;
        int h = in.height;
        boolean swap = orientation >= 5;
        Plane out = swap ? new Plane(h, w) : new Plane(w, h);
        for (int y = 0; y < out.height; y++) {
            for (int x = 0; x < out.width; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                out.values[y * out.width + x] = in.values[sy * w + sx];
            }
        }
        return out;
    }
}
