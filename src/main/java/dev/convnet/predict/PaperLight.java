package dev.convnet.predict;

import java.util.Arrays;

/**
 * Stage 4: uneven light. A photo of paper is lit unevenly (a shadow across one side, a gradient, a
 * vignette), so no single grey level separates ink from paper. The paper is estimated locally, on a
 * copy at most {@link #ESTIMATE_SIDE} pixels wide, by a morphological closing (strokes thinner than
 * the window are filled with the paper around them) and a blur, and every pixel is compared with
 * the paper under it: dark ink on light paper by ratio (light falls on paper and ink alike), light
 * ink on dark paper by difference.
 *
 * <p>Which is paper is decided from the border, as MNIST's own preparation assumed: a picture whose
 * border is mostly light has dark ink.
 */
final class PaperLight {
    static final int ESTIMATE_SIDE = 64;
    /** The closing's window as a fraction of the longer side: wider than a marker's stroke. */
    private static final float WINDOW = 0.15f;

    private PaperLight() {
    }

    /** How much each pixel differs from the paper under it, in [0, 1]: 0 paper, 1 full-contrast ink. */
    static Plane inkContrast(Plane grey) {
        boolean lightPaper = borderMedian(grey) >= 0.5f;
        int factor = Math.max(1, (Math.max(grey.width, grey.height) + ESTIMATE_SIDE - 1) / ESTIMATE_SIDE);
        Plane small = Resample.to(grey, Math.max(1, grey.width / factor), Math.max(1, grey.height / factor));
        int r = Math.max(2, Math.round(WINDOW * Math.max(small.width, small.height)));
        Plane paperSmall = lightPaper ? Morphology.close(small, r) : Morphology.open(small, r);
        paperSmall = Morphology.blur(paperSmall, Math.max(1, r / 2));
        Plane paper = Resample.to(paperSmall, grey.width, grey.height);
        Plane out = new Plane(grey.width, grey.height);
        for (int i = 0; i < out.values.length; i++) {
            float g = grey.values[i];
            float p = paper.values[i];
            float v = lightPaper ? 1 - g / Math.max(p, 1e-3f) : (g - p) / Math.max(1 - p, 1e-3f);
            out.values[i] = Math.max(0f, Math.min(1f, v));
        }
        return out;
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
