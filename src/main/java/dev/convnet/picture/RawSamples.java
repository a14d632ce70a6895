package dev.convnet.picture;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
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
        ColorModel cm = image.getColorModel();
        boolean hasAlpha = cm.hasAlpha();
        float[] greySum = new float[ow * oh];
        float[] alphaSum = new float[ow * oh];
        float[] count = new float[ow * oh];
        float[] rowGrey = new float[w];
        float[] rowAlpha = new float[w];
        Row reader = Row.of(image);
        float[][] rowColour = reader.hasColour() ? new float[3][w] : null;
        float[][] colourSum = rowColour == null ? null : new float[3][ow * oh];
        float spread = 0;
        for (int y = 0; y < h; y++) {
            reader.read(y, rowGrey, rowAlpha, rowColour);
            int oy = (y / factor) * ow;
            for (int x = 0; x < w; x++) {
                int o = oy + x / factor;
                greySum[o] += rowAlpha[x] * rowGrey[x];
                alphaSum[o] += rowAlpha[x];
                count[o]++;
                if (rowColour != null) {
                    float r = rowColour[0][x];
                    float g = rowColour[1][x];
                    float b = rowColour[2][x];
                    if (rowAlpha[x] >= 0.5f) {
                        spread = Math.max(spread, Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)));
                    }
                    colourSum[0][o] += rowAlpha[x] * r;
                    colourSum[1][o] += rowAlpha[x] * g;
                    colourSum[2][o] += rowAlpha[x] * b;
                }
            }
        }
        Plane grey = new Plane(ow, oh);
        Plane alpha = hasAlpha ? new Plane(ow, oh) : null;
        for (int i = 0; i < grey.values.length; i++) {
            grey.values[i] = alphaSum[i] > 0 ? greySum[i] / alphaSum[i] : 1f;
            if (alpha != null) {
                alpha.values[i] = alphaSum[i] / count[i];
            }
        }
        Plane[] colour = null;
        if (colourSum != null && spread > COLOURED) {
            colour = new Plane[3];
            for (int c = 0; c < 3; c++) {
                colour[c] = new Plane(ow, oh);
                for (int i = 0; i < grey.values.length; i++) {
                    colour[c].values[i] = alphaSum[i] > 0 ? colourSum[c][i] / alphaSum[i] : 1f;
                }
            }
        }
        return new RawSamples(grey, alpha, colour);
    }

    /** Reads one row of a raster as grey and alpha in [0, 1], whatever its layout. */
    private abstract static class Row {
        final Raster raster;
        final int width;

        Row(Raster raster) {
            this.raster = raster;
            this.width = raster.getWidth();
        }

        /** Row {@code y}'s grey and alpha, and its R, G, B when {@code colour} is not null. */
        abstract void read(int y, float[] grey, float[] alpha, float[][] colour);

        /** Whether the samples have R, G and B of their own (not one grey band). */
        abstract boolean hasColour();

        static Row of(BufferedImage image) {
            ColorModel cm = image.getColorModel();
            Raster raster = image.getRaster();
            if (cm instanceof IndexColorModel icm) {
                return new Palette(raster, icm);
            }
            return new Components(raster, cm);
        }
    }

    /** Palette pictures (palette PNG, GIF, 8-bit BMP): each index's stored R, G, B, A. */
    private static final class Palette extends Row {
        private final float[] grey;
        private final float[] alpha;
        private final float[][] rgb;
        private final int[] indices;

        Palette(Raster raster, IndexColorModel cm) {
            super(raster);
            int n = cm.getMapSize();
            grey = new float[n];
            alpha = new float[n];
            rgb = new float[3][n];
            for (int i = 0; i < n; i++) {
                grey[i] = luma(cm.getRed(i), cm.getGreen(i), cm.getBlue(i)) / 255f;
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
        void read(int y, float[] g, float[] a, float[][] colour) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, indices);
            for (int x = 0; x < width; x++) {
                int i = Math.min(indices[x], grey.length - 1);
                g[x] = grey[i];
                a[x] = alpha[i];
                if (colour != null) {
                    colour[0][x] = rgb[0][i];
                    colour[1][x] = rgb[1][i];
                    colour[2][x] = rgb[2][i];
                }
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
        void read(int y, float[] g, float[] a, float[][] colour) {
            int used = Math.max(colours, alphaBand + 1);
            for (int b = 0; b < used && b < bands.length; b++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, b, bands[b]);
            }
            for (int x = 0; x < width; x++) {
                g[x] = colours == 3
                        ? luma(bands[0][x] * scale[0], bands[1][x] * scale[1], bands[2][x] * scale[2])
                        : bands[0][x] * scale[0];
                a[x] = alphaBand >= 0 && alphaBand < bands.length ? bands[alphaBand][x] * scale[alphaBand] : 1f;
                if (colour != null) {
                    for (int c = 0; c < 3; c++) {
                        colour[c][x] = bands[c][x] * scale[c];
                    }
                }
            }
        }
    }

    /** ITU-R BT.601 luma, the weights MNIST-era tools (and PIL's "L" mode) use. */
    static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }
}
