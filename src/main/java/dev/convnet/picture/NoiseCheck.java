package dev.convnet.picture;

/**
 * Whether the ink found on a picture is noise or a texture all over it rather than a digit: random
 * pixels, sensor grain, salt and pepper. Noise passes every earlier stage (half its pixels are
 * darker than the rest), and the model then answers with a confident class: a picture of uniform
 * random greys read as "0 81.7%".
 *
 * <p>Two ways to be noise. First, three signs, all required, each of which some digits show alone:
 * <ul>
 *   <li>the crop spans at least {@link #MIN_COVER} of the picture (a digit on paper leaves a margin;
 *       a tightly cropped one does not);</li>
 *   <li>ink in every cell of an {@link #GRID}x{@link #GRID} grid over the crop (a digit's box has
 *       empty places: a 0's middle, an 8's corners, the space under a 7's bar; a grainy digit too);</li>
 *   <li>at least {@link #MIN_PARTS} pieces of ink and loops (holes in it) together: a digit has one or
 *       two pieces and at most two loops, noise hundreds (a chalk or pencil digit's grain has many
 *       too, which is why this sign is never used alone).</li>
 * </ul>
 * Second, salt and pepper on grey, whose ink the local paper estimate leaves in patches (so some
 * cells are empty): the crop spans a third of the picture or more, its ink is speckle (stroke width
 * under {@link #SPECKLE_WIDTH} px: 0.51-0.74 for such noise, 0.92 or more for every digit measured,
 * grainy ones included; a pencil line of 1 px can be 0.78, with one piece and at most one loop) and
 * it has {@link #MIN_PARTS} pieces and loops: 18 of the 19 that the first way missed among 45 of
 * ImageMagick's salt-and-pepper pictures (+noise Impulse on white, black and three greys, 100-640 px,
 * -attenuate 0.5-2; the one left: its ink is a patch of 2 % of the picture). Digits written on a
 * picture with such noise are still found (a 7 and a 9 tried).
 *
 * <p>Measured on 2,478 digit pictures (PictureKinds' 23 kinds of MNIST test digits, ../shared/cases, 270
 * digits written with grainy strokes: a fifth to a half of their ink removed in 1-3 px grains): none
 * has all three (none even spans 80 % of its picture, and the fewest empty cells is 2 of 64); 31 of 44
 * noise pictures with ink (uniform, Gaussian, salt and pepper, blurred, colour; 28 to 640 px) have
 * all three. The others are sparse specks or blurred blobs on pictures of up to 64 px, one Gaussian
 * noise with one empty cell, and ImageMagick's impulse noise, whose ink covers half the picture:
 * they pass as a scribble would.
 */
final class NoiseCheck {
    static final double MIN_COVER = 0.8;
    static final int GRID = 8;
    static final int MIN_PARTS = 24;
    /** The second sign's least share of the picture the crop spans. */
    static final double SPECKLE_COVER = 1.0 / 3;
    /** The second sign's stroke width ({@link StrokeWidth#estimate}), pixels: speckle is under it, digits' strokes not. */
    static final float SPECKLE_WIDTH = 0.8f;

    private NoiseCheck() {
    }

    /**
     * @param crop the digit's crop ({@link DigitCrop#crop}), ink above 0
     * @param width the width of the plane it was cropped from, pixels
     * @param height that plane's height, pixels
     */
    static boolean isNoise(Plane crop, int width, int height) {
        double cover = (double) crop.width * crop.height / ((double) width * height);
        if (cover >= MIN_COVER && inkInEveryCell(crop)) {
            return parts(crop) >= MIN_PARTS;
        }
        return cover >= SPECKLE_COVER && StrokeWidth.estimate(crop) < SPECKLE_WIDTH && parts(crop) >= MIN_PARTS;
    }

    /** Pieces of ink and loops in it, counted up to {@link #MIN_PARTS}. */
    private static int parts(Plane crop) {
        return DigitCrop.pieces(crop).count() + loops(crop, MIN_PARTS);
    }

    private static boolean inkInEveryCell(Plane crop) {
        for (int cy = 0; cy < GRID; cy++) {
            for (int cx = 0; cx < GRID; cx++) {
                if (!inkIn(crop, cx * crop.width / GRID, cy * crop.height / GRID,
                        Math.max((cx + 1) * crop.width / GRID, cx * crop.width / GRID + 1),
                        Math.max((cy + 1) * crop.height / GRID, cy * crop.height / GRID + 1))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean inkIn(Plane p, int x0, int y0, int x1, int y1) {
        for (int y = y0; y < Math.min(y1, p.height); y++) {
            for (int x = x0; x < Math.min(x1, p.width); x++) {
                if (p.values[y * p.width + x] > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Loops: 4-connected regions without ink that do not touch the crop's border (the holes of
     * 8-connected ink), counted up to {@code enough}.
     */
    static int loops(Plane crop, int enough) {
        int w = crop.width;
        int h = crop.height;
        boolean[] seen = new boolean[w * h];
        int[] queue = new int[w * h];
        int loops = 0;
        for (int start = 0; start < seen.length && loops < enough; start++) {
            if (seen[start] || crop.values[start] > 0) {
                continue;
            }
            seen[start] = true;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            boolean border = false;
            while (head < tail) {
                int i = queue[head++];
                int x = i % w;
                int y = i / w;
                border |= x == 0 || y == 0 || x == w - 1 || y == h - 1;
                tail = visit(crop, seen, queue, tail, x - 1, y);
                tail = visit(crop, seen, queue, tail, x + 1, y);
                tail = visit(crop, seen, queue, tail, x, y - 1);
                tail = visit(crop, seen, queue, tail, x, y + 1);
            }
            loops += border ? 0 : 1;
        }
        return loops;
    }

    private static int visit(Plane p, boolean[] seen, int[] queue, int tail, int x, int y) {
        if (x < 0 || y < 0 || x >= p.width || y >= p.height) {
            return tail;
        }
        int j = y * p.width + x;
        if (!seen[j] && p.values[j] <= 0) {
            seen[j] = true;
            queue[tail++] = j;
        }
        return tail;
    }
}
