package dev.convnet.picture;

import java.util.Arrays;

/**
 * Stage 4: uneven light. A photo of paper is lit unevenly (a shadow across one side, a gradient, a
 * vignette), so no single grey level separates ink from paper. The paper is estimated locally, on a
 * copy at most {@link #ESTIMATE_SIDE} pixels wide, by a morphological closing (strokes thinner than
 * the window are filled with the paper around them) and a blur (never lighter than the closing),
 * and every pixel is compared with
 * the paper under it: dark ink on light paper by ratio (light falls on paper and ink alike), light
 * ink on dark paper by difference.
 *
 * <p>The copy is padded by point reflection before the closing and the blur, so light falling off
 * towards the edges (a vignette) goes on falling off beyond them: with the window clipped at the
 * edge instead, the edge would be a valley the closing fills, and a blank page under a lamp would
 * read as a dark ring.
 *
 * <p>A coloured picture is compared channel by channel and each pixel takes its strongest
 * contrast: blue ink on a grey board can match the board's luma and differ only in blue.
 */
final class PaperLight {
    static final int ESTIMATE_SIDE = 64;
    /** The closing's window as a fraction of the longer side: wider than a marker's stroke. */
    private static final float WINDOW = 0.15f;

    private PaperLight() {
    }

    /**
     * Which is paper, as MNIST's own preparation assumed, from the border: a picture whose border is
     * mostly light has dark ink. On a dark border {@link DigitPreparation} asks both ways.
     */
    static boolean lightPaper(Plane grey) {
        return borderMedian(grey) >= 0.5f;
    }

    /**
     * How much each pixel differs from the paper under it, in [0, 1]: 0 paper, 1 full-contrast ink,
     * in its grey or, for a coloured picture, in whichever channel differs most.
     *
     * @param lightPaper dark ink on light paper (true) or light ink on a dark board (false)
     */
    static Plane inkContrast(RawSamples samples, boolean lightPaper) {
        Plane[] channels = samples.channels();
        Plane[] small = samples.shrunk(ESTIMATE_SIDE);
        int w = samples.grey.width;
        int h = samples.grey.height;
        // The small estimate is enlarged row by row as it is used: no full-size copy per channel.
        Resample.Rows[] paper = new Resample.Rows[channels.length];
        for (int c = 0; c < channels.length; c++) {
            paper[c] = new Resample.Rows(paper(small[c], lightPaper), w, h);
        }
        float[][] paperRow = new float[channels.length][w];
        Plane out = new Plane(w, h);
        for (int y = 0; y < h; y++) {
            for (int c = 0; c < channels.length; c++) {
                paper[c].row(y, paperRow[c], 0);
            }
            if (channels.length == 1) {
                greyContrast(channels[0].values, paperRow[0], out.values, y * w, lightPaper);
            } else {
                colourContrast(channels, paperRow, out.values, y * w, lightPaper);
            }
        }
        return out;
    }

    /**
     * One row of a grey picture's contrast, from {@code at}: {@link #colourContrast}'s arithmetic for
     * one channel, in a loop of its own with the polarity decided outside it.
     */
    private static void greyContrast(float[] grey, float[] paper, float[] out, int at, boolean lightPaper) {
        int w = paper.length;
        if (lightPaper) {
            for (int x = 0; x < w; x++) {
                float p = paper[x];
                float scale = Math.max(Math.max(0, p), 1e-3f);
                float d = grey[at + x] - p;
                out[at + x] = Math.min(1f, Math.max(0, -d / scale));
            }
        } else {
            for (int x = 0; x < w; x++) {
                float p = paper[x];
                float scale = Math.max(1 - Math.min(1, p), 1e-3f);
                float d = grey[at + x] - p;
                out[at + x] = Math.min(1f, Math.max(0, d / scale));
            }
        }
    }

    /** One row of a coloured picture's contrast, from {@code at}: each pixel's strongest over R, G and B. */
    private static void colourContrast(Plane[] channels, float[][] paperRow, float[] out, int at, boolean lightPaper) {
        int w = paperRow[0].length;
        for (int x = 0; x < w; x++) {
            int i = at + x;
            // one scale for every channel: the paper's brightest (ratio) or the room left above its darkest
            float scale = lightPaper ? 0 : 1;
            for (float[] p : paperRow) {
                scale = lightPaper ? Math.max(scale, p[x]) : Math.min(scale, p[x]);
            }
            scale = lightPaper ? Math.max(scale, 1e-3f) : Math.max(1 - scale, 1e-3f);
            float v = 0;
            for (int c = 0; c < channels.length; c++) {
                float d = channels[c].values[i] - paperRow[c][x];
                v = Math.max(v, (lightPaper ? -d : d) / scale);
            }
            out[i] = Math.min(1f, v);
        }
    }

    /** The paper under one channel, from that channel at the estimate's size (at most {@link #ESTIMATE_SIDE} on the longer side). */
    private static Plane paper(Plane small, boolean lightPaper) {
        int r = Math.max(2, Math.round(WINDOW * Math.max(small.width, small.height)));
        int blur = Math.max(1, r / 2);
        int pad = r + blur;
        Plane padded = reflect(small, pad);
        Plane filled = lightPaper ? Morphology.close(padded, r) : Morphology.open(padded, r);
        Plane smooth = Morphology.blur(filled, blur);
        // The blur smooths the closing's blocks, but would carry the lit side of a shadow's edge over
        // the dark side: the paper is never taken lighter (darker, on a board) than the closing says.
        for (int i = 0; i < smooth.values.length; i++) {
            float f = filled.values[i];
            smooth.values[i] = lightPaper ? Math.min(smooth.values[i], f) : Math.max(smooth.values[i], f);
        }
        return smooth.crop(pad, pad, pad + small.width, pad + small.height);
    }

    /**
     * {@code p} padded by {@code pad} pixels each side by point reflection through the edge pixel
     * (2 f(0) - f(d)): a slope goes on as a slope. Clamped to the plane's own range.
     */
    static Plane reflect(Plane p, int pad) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : p.values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int w = p.width + 2 * pad;
        int h = p.height + 2 * pad;
        float[] out = new float[w * h];
        // the picture's rows, each carried on sideways; then those whole rows carried on up and down
        // (reflecting a corner across, then down, is the same as down, then across); clamped last
        for (int y = 0; y < p.height; y++) {
            int row = (y + pad) * w;
            System.arraycopy(p.values, y * p.width, out, row + pad, p.width);
            for (int x = 0; x < pad; x++) {
                int d = Math.min(pad - x, p.width - 1);
                out[row + x] = 2 * out[row + pad] - out[row + pad + d];
                int right = pad + p.width - 1;
                out[row + right + pad - x] = 2 * out[row + right] - out[row + right - d];
            }
        }
        for (int y = 0; y < pad; y++) {
            int d = Math.min(pad - y, p.height - 1);
            int top = pad;
            int bottom = pad + p.height - 1;
            for (int x = 0; x < w; x++) {
                out[y * w + x] = 2 * out[top * w + x] - out[(top + d) * w + x];
                out[(bottom + pad - y) * w + x] = 2 * out[bottom * w + x] - out[(bottom - d) * w + x];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(min, Math.min(max, out[i]));
        }
        return new Plane(w, h, out);
    }

    static float borderMedian(Plane p) {
        int w = p.width;
        int h = p.height;
        float[] border = new float[2 * w + 2 * h];
        int n = 0;
        for (int x = 0; x < w; x++) {
            border[n++] = p.values[x];
            border[n++] = p.values[(h - 1) * w + x];
        }
        for (int y = 0; y < h; y++) {
            border[n++] = p.values[y * w];
            border[n++] = p.values[y * w + w - 1];
        }
        Arrays.sort(border, 0, n);
        return border[n / 2];
    }
}
