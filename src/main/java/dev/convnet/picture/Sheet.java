package dev.convnet.picture;

/**
 * A sheet of paper photographed on a darker surround (a desk, a table): the picture's border is
 * dark, so it was read as a board with light ink, the whole sheet was "ink", and the model saw the
 * sheet's outline with the digit as a small hole in it (a 7 on a sheet on a brown desk read as
 * "0 95.2%"). Found here, the sheet alone becomes the picture: cropped to it, everything outside
 * it (and a margin along its edge, where the paper shades into the desk) painted with the paper's
 * own tone, so the later stages see dark ink on light paper.
 *
 * <p>The sheet: the largest light region (Otsu's threshold on grey, 4-connected) together with what
 * it encloses, when it is at least {@link #MIN_AREA} of the picture and leaves at least
 * {@link #MIN_SURROUND} to its surround, is light paper ({@link #MIN_CONTRAST} lighter than the
 * surround), fills at least half of its bounding box (a quadrilateral at any angle does), and
 * encloses dark marks of
 * {@link #MIN_MARKS} to {@link #MAX_MARKS} of its area whose largest piece is a stroke (at least
 * {@link #STROKE_EXTENT} times as long as it is wide) far narrower than the paper around it
 * ({@link #PAPER_TO_INK}; both widths twice area over outline, {@link StrokeWidth#estimate}). Those
 * two tell it from a chalk digit on a board, the other light thing on a dark border: the holes a
 * thick chalk 0, 6, 8 or 9 encloses are round blobs, or (a 0 written with a 60 px stick) a slit
 * half as wide as the chalk around it, where a sheet's paper is about 28 times its ink's width; a
 * chalk 1 or 7 encloses nothing.
 *
 * <p>Measured: none of 2,231 pictures of {@code PictureKinds}' kinds, the cases and the test
 * resources (303 of them on a dark border: chalk, boards) is taken for a sheet, so they are read
 * bit for bit as before; three photographs of a sheet on a desk that read 0, 3 and 9 now read 7,
 * 2 and 7 (100 %). A sheet whose dark surround is only a strip along one edge has a light border
 * and is not asked here (the strip stays ink).
 */
final class Sheet {
    static final double MIN_AREA = 0.2;
    static final double MIN_MARKS = 0.003;
    static final double MAX_MARKS = 0.25;
    static final float STROKE_EXTENT = 4f;
    /** How much wider the paper is than the ink's stroke (twice area over outline, both). */
    static final float PAPER_TO_INK = 4f;
    /** The least share of the picture the surround must have: a sheet is on something. */
    static final double MIN_SURROUND = 0.1;
    /** How much lighter than its surround the paper must be (grey 0-1), and it must be light (at least 0.5) at all. */
    static final float MIN_CONTRAST = 0.2f;
    /** The margin along the sheet's edge painted over, as a fraction of its shorter side. */
    static final float EDGE = 0.03f;

    private Sheet() {
    }

    /** The sheet alone, cropped and with its surround painted in paper's tone, or null when there is no sheet. */
    static RawSamples isolate(RawSamples samples) {
        if (samples.alpha != null) {
            return null; // a canvas with transparency is no photograph
        }
        Plane grey = samples.grey;
        int w = grey.width;
        int h = grey.height;
        boolean[] light = lightPixels(grey);
        boolean[] sheet = largest(light, w, h);
        if (sheet == null) {
            return null;
        }
        boolean[] filled = filled(sheet, w, h);
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        long area = 0;
        long paper = 0;
        for (int i = 0; i < filled.length; i++) {
            if (filled[i]) {
                area++;
                paper += light[i] ? 1 : 0; // the sheet, and the paper inside a 0 or an 8 written on it
                x0 = Math.min(x0, i % w);
                x1 = Math.max(x1, i % w);
                y0 = Math.min(y0, i / w);
                y1 = Math.max(y1, i / w);
            }
        }
        long marks = area - paper;
        if (area < MIN_AREA * w * h || area > (1 - MIN_SURROUND) * w * h || area < 0.5 * (x1 - x0 + 1) * (y1 - y0 + 1)
                || marks < MIN_MARKS * area || marks > MAX_MARKS * area) {
            return null;
        }
        float paperTone = median(grey, sheet, true);
        if (paperTone < 0.5f || paperTone - median(grey, filled, false) < MIN_CONTRAST) {
            return null;
        }
        float stroke = strokeInside(filled, light, w, h);
        Plane paperPlane = new Plane(w, h);
        for (int i = 0; i < sheet.length; i++) {
            paperPlane.values[i] = sheet[i] ? 1f : 0f;
        }
        float paperWidth = StrokeWidth.estimate(paperPlane);
        if (stroke == 0 || paperWidth < PAPER_TO_INK * stroke) {
            return null;
        }
        int bw = x1 - x0 + 1;
        int bh = y1 - y0 + 1;
        Plane inside = new Plane(bw, bh);
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < bw; x++) {
                inside.values[y * bw + x] = filled[(y + y0) * w + x + x0] ? 1f : 0f;
            }
        }
        Plane kept = Morphology.erode(inside, Math.max(1, Math.round(EDGE * Math.min(bw, bh))));
        Plane[] channels = samples.colour == null ? null : new Plane[samples.colour.length];
        if (channels != null) {
            for (int c = 0; c < channels.length; c++) {
                channels[c] = painted(samples.colour[c], sheet, kept, x0, y0);
            }
        }
        return samples.with(painted(grey, sheet, kept, x0, y0), null, channels);
    }

    /** The median of {@code plane} where {@code mask} is {@code where}. */
    private static float median(Plane plane, boolean[] mask, boolean where) {
        float[] values = new float[mask.length];
        int n = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == where) {
                values[n++] = plane.values[i];
            }
        }
        java.util.Arrays.sort(values, 0, n);
        return n == 0 ? 0f : values[n / 2];
    }

    /** Grey at or above Otsu's threshold (256 bins). */
    private static boolean[] lightPixels(Plane grey) {
        int[] histogram = new int[256];
        for (float v : grey.values) {
            histogram[Math.max(0, Math.min(255, Math.round(v * 255)))]++;
        }
        int t = InkSeparation.otsu(histogram, grey.values.length);
        boolean[] light = new boolean[grey.values.length];
        for (int i = 0; i < light.length; i++) {
            light[i] = Math.round(grey.values[i] * 255) > t;
        }
        return light;
    }

    /** The largest 4-connected region of {@code mask}, or null when it is empty. */
    private static boolean[] largest(boolean[] mask, int w, int h) {
        int[] label = new int[mask.length];
        int[] queue = new int[mask.length];
        int best = 0;
        int bestSize = 0;
        int regions = 0;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            regions++;
            int size = flood(mask, true, label, regions, queue, start, w, h);
            if (size > bestSize) {
                bestSize = size;
                best = regions;
            }
        }
        if (best == 0) {
            return null;
        }
        boolean[] out = new boolean[mask.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = label[i] == best;
        }
        return out;
    }

    /** {@code region} with everything it encloses: all but what the picture's border reaches outside it. */
    private static boolean[] filled(boolean[] region, int w, int h) {
        int[] label = new int[region.length];
        int[] queue = new int[region.length];
        for (int i = 0; i < region.length; i++) {
            int x = i % w;
            int y = i / w;
            boolean border = x == 0 || y == 0 || x == w - 1 || y == h - 1;
            if (border && !region[i] && label[i] == 0) {
                flood(region, false, label, 1, queue, i, w, h);
            }
        }
        boolean[] out = new boolean[region.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = label[i] == 0;
        }
        return out;
    }

    /** Labels the 4-connected pixels where {@code mask} is {@code value}, from {@code start}; returns how many. */
    private static int flood(boolean[] mask, boolean value, int[] label, int id, int[] queue, int start, int w, int h) {
        int head = 0;
        int tail = 0;
        label[start] = id;
        queue[tail++] = start;
        while (head < tail) {
            int i = queue[head++];
            int x = i % w;
            int y = i / w;
            int[] next = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1};
            for (int j : next) {
                if (j >= 0 && label[j] == 0 && mask[j] == value) {
                    label[j] = id;
                    queue[tail++] = j;
                }
            }
        }
        return tail;
    }

    /** The stroke width of the largest dark piece the sheet encloses, or 0 when it is a round blob rather than a stroke. */
    private static float strokeInside(boolean[] filled, boolean[] light, int w, int h) {
        Plane marks = new Plane(w, h);
        for (int i = 0; i < filled.length; i++) {
            marks.values[i] = filled[i] && !light[i] ? 1f : 0f;
        }
        DigitCrop.Pieces pieces = DigitCrop.pieces(marks);
        int best = 0;
        for (int p = 1; p <= pieces.count(); p++) {
            best = pieces.mass()[p] > pieces.mass()[best] ? p : best;
        }
        if (best == 0) {
            return 0;
        }
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int i = 0; i < filled.length; i++) {
            if (pieces.label()[i] == best) {
                x0 = Math.min(x0, i % w);
                x1 = Math.max(x1, i % w);
                y0 = Math.min(y0, i / w);
                y1 = Math.max(y1, i / w);
            }
        }
        Plane piece = new Plane(x1 - x0 + 1, y1 - y0 + 1);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                piece.values[(y - y0) * piece.width + x - x0] = pieces.label()[y * w + x] == best ? 1f : 0f;
            }
        }
        float width = StrokeWidth.estimate(piece);
        return width > 0 && Math.max(piece.width, piece.height) >= STROKE_EXTENT * width ? width : 0;
    }

    /**
     * {@code plane} cropped to the sheet's box at ({@code x0}, {@code y0}), where {@code kept} is 0
     * (outside the sheet or along its edge) painted with the median of the sheet's paper pixels.
     */
    private static Plane painted(Plane plane, boolean[] sheet, Plane kept, int x0, int y0) {
        float[] paper = new float[kept.values.length];
        int n = 0;
        for (int y = 0; y < kept.height; y++) {
            for (int x = 0; x < kept.width; x++) {
                int i = (y + y0) * plane.width + x + x0;
                if (sheet[i] && kept.values[y * kept.width + x] > 0) {
                    paper[n++] = plane.values[i];
                }
            }
        }
        java.util.Arrays.sort(paper, 0, n);
        float tone = n == 0 ? 1f : paper[n / 2];
        Plane out = new Plane(kept.width, kept.height);
        for (int y = 0; y < kept.height; y++) {
            for (int x = 0; x < kept.width; x++) {
                out.values[y * kept.width + x] = kept.values[y * kept.width + x] > 0 ? plane.values[(y + y0) * plane.width + x + x0] : tone;
            }
        }
        return out;
    }
}
