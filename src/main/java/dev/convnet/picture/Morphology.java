package dev.convnet.picture;

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

    /** A box blur of radius {@code r}, rows then columns; at the edges the mean of the pixels inside. */
    static Plane blur(Plane in, int r) {
        return separable(in, r, Reduce.MEAN);
    }

    private static Plane filter(Plane in, int r, boolean max) {
        return r <= 0 ? in.copy() : separable(in, r, max ? Reduce.MAX : Reduce.MIN);
    }

    /** How a window of pixels becomes one. */
    private enum Reduce { MEAN, MIN, MAX }

    /** {@code reduce} over a (2r+1)-pixel window along the rows, then along the columns, clipped at the edges. */
    private static Plane separable(Plane in, int r, Reduce reduce) {
        Plane rows = new Plane(in.width, in.height);
        pass(in.values, rows.values, in.width, in.height, r, true, reduce);
        Plane out = new Plane(in.width, in.height);
        pass(rows.values, out.values, in.width, in.height, r, false, reduce);
        return out;
    }

    /** One pass along each row ({@code alongRows}) or each column of a {@code width}-wide plane. */
    private static void pass(float[] in, float[] out, int width, int height, int r, boolean alongRows, Reduce reduce) {
        int lines = alongRows ? height : width;
        int length = alongRows ? width : height;
        int step = alongRows ? 1 : width;
        int lineStep = alongRows ? width : 1;
        for (int line = 0; line < lines; line++) {
            int base = line * lineStep;
            for (int i = 0; i < length; i++) {
                float acc = reduce == Reduce.MEAN ? 0 : in[base + i * step];
                int n = 0;
                for (int k = Math.max(0, i - r); k <= Math.min(length - 1, i + r); k++) {
                    float v = in[base + k * step];
                    acc = switch (reduce) {
                        case MEAN -> acc + v;
                        case MIN -> Math.min(acc, v);
                        case MAX -> Math.max(acc, v);
                    };
                    n++;
                }
                out[base + i * step] = reduce == Reduce.MEAN ? acc / n : acc;
            }
        }
    }
}
