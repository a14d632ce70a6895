package dev.convnet.picture;

import java.util.Arrays;

/**
 * Stage 3: what transparency means. A transparent pixel is background whatever RGB it stores (a
 * cleared browser canvas is transparent black). Two kinds of pictures have transparent areas:
 * <ul>
 * <li>a canvas: strokes of one colour (any colour: white, black, blue) on a transparent
 *     background; the opaque pixels are the ink and their opacity is its strength (anti-aliased
 *     edges are partly opaque);
 * <li>a cut-out: a picture with opaque paper and ink of its own inside a transparent margin; it
 *     is flattened onto its own paper colour and read like any opaque picture.
 * </ul>
 * The opaque pixels tell them apart: one colour (a spread of grey below {@link #ONE_COLOUR}) is a
 * canvas's pen. Only the most opaque pixels count: a partly transparent edge may store the pen's
 * colour mixed with whatever the transparent pixels hold.
 */
final class Transparency {
    /** Opaque pixels whose grey varies less than this (standard deviation) are one pen's strokes. */
    private static final float ONE_COLOUR = 0.12f;
    /** Pixels at least this fraction of the most opaque one's opacity show the pen's own colour. */
    private static final float PEN = 0.9f;
    /** Fewer transparent pixels than this fraction: a picture with a few holes, flattened. */
    private static final float FEW = 0.01f;

    private Transparency() {
    }

    /**
     * The ink of a canvas (opacity, 1 = full ink), or null when the picture is to be read by its grey
     * levels; in that case {@code samples.grey} (and its colour planes) have been flattened onto the paper colour.
     */
    static Plane canvasInk(RawSamples samples) {
        Plane alpha = samples.alpha;
        if (alpha == null) {
            return null;
        }
        float[] a = alpha.values;
        float[] g = samples.grey.values;
        int transparent = 0;
        float mostOpaque = 0;
        for (float v : a) {
            if (v < 0.5f) {
                transparent++;
            }
            mostOpaque = Math.max(mostOpaque, v);
        }
        if (transparent == 0) {
            return null;
        }
        if (transparent >= FEW * a.length) {
            if (mostOpaque < 1e-3f) {
                return new Plane(alpha.width, alpha.height); // all transparent: nothing drawn
            }
            // The pen's colour is that of the most opaque pixels: an edge's colour may be mixed with
            // the hidden one (composited over a cleared canvas, or stored premultiplied)
            float solid = PEN * mostOpaque;
            double n = 0;
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] >= solid) {
                    n++;
                    sum += g[i];
                    squares += g[i] * g[i];
                }
            }
            double mean = sum / n;
            double spread = Math.sqrt(Math.max(0, squares / n - mean * mean));
            if (spread < ONE_COLOUR) {
                return alpha.copy();
            }
        }
        flatten(g, a);
        if (samples.colour != null) {
            for (Plane channel : samples.colour) {
                flatten(channel.values, a);
            }
        }
        return null;
    }

    /** {@code values} laid over their own opaque median, in place. */
    private static void flatten(float[] values, float[] alpha) {
        float paper = opaqueMedian(values, alpha);
        for (int i = 0; i < values.length; i++) {
            values[i] = alpha[i] * values[i] + (1 - alpha[i]) * paper;
        }
    }

    private static float opaqueMedian(float[] grey, float[] alpha) {
        float[] opaque = new float[grey.length];
        int n = 0;
        for (int i = 0; i < grey.length; i++) {
            if (alpha[i] >= 0.5f) {
                opaque[n++] = grey[i];
            }
        }
        if (n == 0) {
            return 1f;
        }
        Arrays.sort(opaque, 0, n);
        return opaque[n / 2];
    }
}
