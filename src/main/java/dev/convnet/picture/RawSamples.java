package dev.convnet.picture;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Stage 1: a decoded picture as grey and alpha planes in [0, 1], read from the raster's own
 * samples. {@link BufferedImage#getRGB} is not used: on Java's greyscale types it applies the sRGB
 * transfer curve (grey 16 reads as 71, 128 as 188), so a greyscale PNG would come out lighter than
 * the same picture saved as RGB. Grey is the Rec. 601 luma of the stored R, G, B (as PIL's
 * {@code convert("L")} computes it); palettes are looked up; 16-bit samples are divided by 65535.
 *
 * <p>The planes are area-averaged down to at most {@link #WORKING_SIDE} pixels on the longer side
 * while they are read, so every later stage works on a bounded number of pixels; the grey of a
 * partly transparent area is averaged by alpha, so transparent pixels' colour never leaks in.
 *
 * <p>A picture in colour also keeps its R, G and B planes: blue ink on a grey board can have the
 * board's luma (grey 74 on 65) and still stand out plainly in one channel, so the ink is looked for
 * in each channel too ({@link PaperLight}). Pictures whose channels never differ by more than
 * {@link #COLOURED} (grey content, whatever the encoding, JPEG's chroma rounding included) keep grey
 * alone, so every encoding of a grey picture is read the same way.
 */
final class RawSamples {
    /** The longest side the stages work at: enough for a 1.5 px pen on a 2000 px picture to leave ink. */
    static final int WORKING_SIDE = 512;

    final Plane grey;
    /** Opacity, or null when the picture has no alpha channel. */
    final Plane alpha;
    /** R, G and B, or null when the picture is grey (no channel differs from another by {@link #COLOURED}). */
    final Plane[] colour;
    /** Channels differing by more than this somewhere make a picture coloured: far above JPEG's chroma rounding. */
    static final float COLOURED = 0.1f;

    private RawSamples(Plane grey, Plane alpha, Plane[] colour) {
        this.grey = grey;
        this.alpha = alpha;
        this.colour = colour;
    }

    /** {@link #shrunk}'s planes and the side they were made for: made once, though both ink polarities ask. */
    private Plane[] shrunk;
    private int shrunkSide;

    /** The planes ink is looked for in: R, G and B for a coloured picture, grey alone for a grey one. */
    Plane[] channels() {
        return colour == null ? new Plane[] {grey} : colour;
    }

    /** {@link #channels()} area-averaged to at most {@code side} pixels on the longer side (by a whole factor). */
    Plane[] shrunk(int side) {
        if (shrunk == null || shrunkSide != side) {
            int factor = Math.max(1, (Math.max(grey.width, grey.height) + side - 1) / side);
            Plane[] channels = channels();
            shrunk = new Plane[channels.length];
            for (int c = 0; c < channels.length; c++) {
                shrunk[c] = Resample.to(channels[c], Math.max(1, grey.width / factor), Math.max(1, grey.height / factor));
            }
            shrunkSide = side;
        }
        return shrunk;
    }

    /** The same samples with the planes replaced (turned upright, or flattened). */
    RawSamples with(Plane grey, Plane alpha, Plane[] colour) {
        return new RawSamples(grey, alpha, colour);
    }

    static RawSamples of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int factor = Math.max(1, (Math.max(w, h) + WORKING_SIDE - 1) / WORKING_SIDE);
        int ow = (w + factor - 1) / factor;
        int oh = (h + factor - 1) / factor;
        boolean hasAlpha = image.getColorModel().hasAlpha();
        Row reader = Row.of(image);
        boolean colourful = reader.hasColour();
        // A coloured picture sums R, G and B, and its grey is their luma afterwards (luma is linear,
        // so the luma of the means is the mean of the lumas); a grey one sums its one band.
        float[][] sums = new float[colourful ? 3 : 1][ow * oh];
        float[] alphaSum = new float[ow * oh];
        float[] rowAlpha = new float[w];
        float[][] row = new float[sums.length][w];
        boolean coloured = false;
        float[] weighted = new float[w];
        for (int y = 0; y < h; y++) {
            reader.read(y, row, rowAlpha);
            int oy = (y / factor) * ow;
            for (int c = 0; c < sums.length; c++) {
                float[] v = row[c];
                if (hasAlpha) {
                    for (int x = 0; x < w; x++) {
                        weighted[x] = rowAlpha[x] * v[x];
                    }
                    v = weighted;
                }
                addAcross(v, factor, sums[c], oy);
            }
            if (hasAlpha) {
                addAcross(rowAlpha, factor, alphaSum, oy);
            }
            coloured = coloured || colourful && differ(row, rowAlpha);
        }
        if (!hasAlpha) { // every alpha is 1: each cell's sum is its number of pixels, as adding them up gives it
            for (int oy = 0; oy < oh; oy++) {
                int rows = Math.min(factor, h - oy * factor);
                for (int ox = 0; ox < ow; ox++) {
                    alphaSum[oy * ow + ox] = rows * Math.min(factor, w - ox * factor);
                }
            }
        }
        Plane alpha = hasAlpha ? new Plane(ow, oh) : null;
        if (alpha != null) {
            for (int oy = 0; oy < oh; oy++) {
                int rows = Math.min(factor, h - oy * factor);
                for (int ox = 0; ox < ow; ox++) {
                    int i = oy * ow + ox;
                    alpha.values[i] = alphaSum[i] / (rows * Math.min(factor, w - ox * factor));
                }
            }
        }
        Plane[] planes = new Plane[sums.length];
        for (int c = 0; c < sums.length; c++) {
            planes[c] = new Plane(ow, oh);
            for (int i = 0; i < alphaSum.length; i++) {
                planes[c].values[i] = alphaSum[i] > 0 ? sums[c][i] / alphaSum[i] : 1f;
            }
        }
        if (!colourful) {
            return new RawSamples(planes[0], alpha, null);
        }
        Plane grey = new Plane(ow, oh);
        for (int i = 0; i < grey.values.length; i++) {
            grey.values[i] = alphaSum[i] > 0 ? luma(planes[0].values[i], planes[1].values[i], planes[2].values[i]) : 1f;
        }
        return new RawSamples(grey, alpha, coloured ? planes : null);
    }

    /** Adds each run of {@code factor} samples of {@code row} to one cell of {@code sums}, from {@code at} on. */
    private static void addAcross(float[] row, int factor, float[] sums, int at) {
        int w = row.length;
        if (factor == 1) { // pictures up to the working size: one sample a cell, a loop the JIT vectorises
            for (int x = 0; x < w; x++) {
                sums[at + x] += row[x];
            }
            return;
        }
        if (factor == 2) { // up to twice the working size (phone screenshots, scans at 1000 px): pairs, no inner loop
            int o = at;
            int x = 0;
            for (; x + 1 < w; x += 2, o++) {
                sums[o] += row[x] + row[x + 1];
            }
            if (x < w) {
                sums[o] += row[x];
            }
            return;
        }
        for (int x0 = 0, o = at; x0 < w; x0 += factor, o++) {
            float acc = 0;
            for (int x = x0, end = Math.min(w, x0 + factor); x < end; x++) {
                acc += row[x];
            }
            sums[o] += acc;
        }
    }

    /** Whether two channels of an opaque (alpha at least 0.5) pixel of the row differ by more than {@link #COLOURED}. */
    private static boolean differ(float[][] rgb, float[] alpha) {
        float[] r = rgb[0];
        float[] g = rgb[1];
        float[] b = rgb[2];
        for (int x = 0; x < r.length; x++) {
            if (alpha[x] >= 0.5f && (Math.abs(r[x] - g[x]) > COLOURED || Math.abs(g[x] - b[x]) > COLOURED
                    || Math.abs(r[x] - b[x]) > COLOURED)) {
                return true;
            }
        }
        return false;
    }

    /** Reads one row of a raster as its R, G, B (or grey) and alpha in [0, 1], whatever its layout. */
    private abstract static class Row {
        final Raster raster;
        final int width;

        Row(Raster raster) {
            this.raster = raster;
            this.width = raster.getWidth();
        }

        /** Row {@code y}'s alpha, and its R, G, B into {@code values} when {@link #hasColour()}, else its grey. */
        abstract void read(int y, float[][] values, float[] alpha);

        /** Whether the samples have R, G and B of their own (not one grey band). */
        abstract boolean hasColour();

        static Row of(BufferedImage image) {
            ColorModel cm = image.getColorModel();
            Raster raster = image.getRaster();
            if (cm instanceof IndexColorModel icm) {
                return new Palette(raster, icm);
            }
            if (Bytes.fits(raster, cm)) {
                return new Bytes(raster, cm);
            }
            return new Components(raster, cm);
        }
    }

    /** Palette pictures (palette PNG, GIF, 8-bit BMP): each index's stored R, G, B, A. */
    private static final class Palette extends Row {
        private final float[] alpha;
        private final float[][] rgb;
        private final int[] indices;

        Palette(Raster raster, IndexColorModel cm) {
            super(raster);
            int n = cm.getMapSize();
            alpha = new float[n];
            rgb = new float[3][n];
            for (int i = 0; i < n; i++) {
                alpha[i] = cm.getAlpha(i) / 255f;
                rgb[0][i] = cm.getRed(i) / 255f;
                rgb[1][i] = cm.getGreen(i) / 255f;
                rgb[2][i] = cm.getBlue(i) / 255f;
            }
            indices = new int[width];
        }

        @Override
        boolean hasColour() {
            return true;
        }

        @Override
        void read(int y, float[][] values, float[] a) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, indices);
            for (int x = 0; x < width; x++) {
                int i = Math.min(indices[x], alpha.length - 1);
                a[x] = alpha[i];
                values[0][x] = rgb[0][i];
                values[1][x] = rgb[1][i];
                values[2][x] = rgb[2][i];
            }
        }
    }

    /**
     * The common case read fast: 8 bits per sample, one byte array, bands interleaved (what the JPEG
     * and PNG readers give for grey, grey + alpha, RGB and RGBA). A row is fetched in one call, in
     * band order whatever the bytes' order in memory.
     */
    private static final class Bytes extends Row {
        private static final float[] LEVEL = new float[256];

        static {
            for (int i = 0; i < 256; i++) {
                LEVEL[i] = i / 255f;
            }
        }

        private final int bands;
        private final int colours;
        private final int alphaBand;
        private final byte[] row;

        static boolean fits(Raster raster, ColorModel cm) {
            if (!(raster.getSampleModel() instanceof ComponentSampleModel) || raster.getTransferType() != DataBuffer.TYPE_BYTE
                    || cm instanceof DirectColorModel) {
                return false;
            }
            for (int size : raster.getSampleModel().getSampleSize()) {
                if (size != 8) {
                    return false;
                }
            }
            int n = raster.getNumBands();
            return n == cm.getNumComponents() && (n == 1 || n == 2 || n == 3 || n == 4);
        }

        Bytes(Raster raster, ColorModel cm) {
            super(raster);
            bands = raster.getNumBands();
            colours = cm.getNumColorComponents() >= 3 ? 3 : 1;
            alphaBand = cm.hasAlpha() ? cm.getNumColorComponents() : -1;
            row = new byte[width * bands];
        }

        @Override
        boolean hasColour() {
            return colours == 3;
        }

        @Override
        void read(int y, float[][] values, float[] a) {
            raster.getDataElements(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int c = 0; c < colours; c++) {
                float[] out = values[c];
                for (int x = 0, i = c; x < width; x++, i += bands) {
                    out[x] = LEVEL[row[i] & 0xFF];
                }
            }
            if (alphaBand >= 0) {
                for (int x = 0, i = alphaBand; x < width; x++, i += bands) {
                    a[x] = LEVEL[row[i] & 0xFF];
                }
            } else {
                java.util.Arrays.fill(a, 1f);
            }
        }
    }

    /** Grey, grey + alpha, RGB, RGBA, packed or one sample per band, 1 to 16 bits: the bands in the colour model's order. */
    private static final class Components extends Row {
        private final int colours;
        private final int alphaBand;
        private final float[] scale;
        private final int[][] bands;

        Components(Raster raster, ColorModel cm) {
            super(raster);
            colours = Math.min(3, cm.getNumColorComponents()) == 3 ? 3 : 1;
            alphaBand = cm.hasAlpha() ? cm.getNumColorComponents() : -1;
            int n = raster.getNumBands();
            scale = new float[n];
            bands = new int[n][width];
            for (int b = 0; b < n; b++) {
                int bits = cm instanceof DirectColorModel || b >= cm.getNumComponents() ? raster.getSampleModel().getSampleSize(b)
                        : cm.getComponentSize(b);
                scale[b] = 1f / ((1L << bits) - 1);
            }
        }

        @Override
        boolean hasColour() {
            return colours == 3;
        }

        @Override
        void read(int y, float[][] values, float[] a) {
            int used = Math.max(colours, alphaBand + 1);
            for (int b = 0; b < used && b < bands.length; b++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, b, bands[b]);
            }
            for (int c = 0; c < colours; c++) {
                int[] band = bands[c];
                float[] out = values[c];
                float s = scale[c];
                for (int x = 0; x < width; x++) {
                    out[x] = band[x] * s;
                }
            }
            if (alphaBand >= 0 && alphaBand < bands.length) {
                int[] band = bands[alphaBand];
                float s = scale[alphaBand];
                for (int x = 0; x < width; x++) {
                    a[x] = band[x] * s;
                }
            } else {
                java.util.Arrays.fill(a, 1f);
            }
        }
    }

    /** ITU-R BT.601 luma, the weights MNIST-era tools (and PIL's "L" mode) use. */
    static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }
}
