package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.awt.color.ColorSpace;
import java.awt.Transparency;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Pictures of real MNIST digits as people present them, generated for the preparation tests: every encoding, light, pen. */
final class DigitPictures {
    private static LabeledImages test;

    private DigitPictures() {
    }

    static synchronized LabeledImages test() {
        if (test == null) {
            test = new MnistLoader(TestData.mnist()).load(Split.TEST, 200);
        }
        return test;
    }

    static float[] digit(int i) {
        return test().image(i);
    }

    /**
     * The digit scaled up {@code scale} times (bilinear) with {@code margin} pixels of paper around it, as grey
     * levels 0-255: paper {@code paper}, full ink {@code ink}.
     */
    static int[][] grey(float[] digit, int scale, int margin, int paper, int ink) {
        int size = 28 * scale + 2 * margin;
        int[][] g = new int[size][size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float v = sample(digit, (x - margin + 0.5f) / scale - 0.5f, (y - margin + 0.5f) / scale - 0.5f);
                g[y][x] = Math.round(paper + (ink - paper) * v);
            }
        }
        return g;
    }

    private static float sample(float[] d, float fx, float fy) {
        int x0 = (int) Math.floor(fx);
        int y0 = (int) Math.floor(fy);
        float ax = fx - x0;
        float ay = fy - y0;
        return (1 - ax) * (1 - ay) * at(d, x0, y0) + ax * (1 - ay) * at(d, x0 + 1, y0)
                + (1 - ax) * ay * at(d, x0, y0 + 1) + ax * ay * at(d, x0 + 1, y0 + 1);
    }

    private static float at(float[] d, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : d[y * 28 + x];
    }

    static BufferedImage gray8(int[][] g) {
        BufferedImage image = new BufferedImage(g[0].length, g.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                image.getRaster().setSample(x, y, 0, g[y][x]);
            }
        }
        return image;
    }

    static BufferedImage gray16(int[][] g) {
        BufferedImage image = new BufferedImage(g[0].length, g.length, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                image.getRaster().setSample(x, y, 0, g[y][x] * 257);
            }
        }
        return image;
    }

    /** Grey + alpha (PNG colour type 4), opaque where {@code alpha} says 255. */
    static BufferedImage grayAlpha(int[][] g, int[][] alpha) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = cm.createCompatibleWritableRaster(g[0].length, g.length);
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                raster.setSample(x, y, 0, g[y][x]);
                raster.setSample(x, y, 1, alpha == null ? 255 : alpha[y][x]);
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    static BufferedImage palette(int[][] g) {
        byte[] levels = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
        }
        BufferedImage image = new BufferedImage(g[0].length, g.length, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 256, levels, levels, levels));
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                image.getRaster().setSample(x, y, 0, g[y][x]);
            }
        }
        return image;
    }

    /** RGB (or ARGB, opaque) with each grey level as R = G = B. */
    static BufferedImage rgb(int[][] g, int type) {
        BufferedImage image = new BufferedImage(g[0].length, g.length, type);
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                int v = g[y][x];
                image.setRGB(x, y, 0xFF000000 | v << 16 | v << 8 | v);
            }
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A JPEG at quality 1.0 (the least loss JPEG has), progressive or baseline. */
    static byte[] jpeg(BufferedImage image, boolean progressive) {
        return jpeg(new IIOImage(image, null, null), progressive);
    }

    /**
     * A CMYK JPEG of the grey levels: C = M = Y = 0, K = 255 - grey. {@code adobe}: stored inverted with an
     * Adobe APP14 marker (transform 0), as Adobe's applications write it; otherwise plain CMYK without one.
     */
    static byte[] cmykJpeg(int[][] g, boolean adobe) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, g[0].length, g.length, 4, null);
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                int k = 255 - g[y][x];
                raster.setPixel(x, y, adobe ? new int[] {255, 255, 255, 255 - k} : new int[] {0, 0, 0, k});
            }
        }
        byte[] plain = jpeg(new IIOImage(raster, null, null), false);
        if (!adobe) {
            return plain;
        }
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        return insertAfterSoi(plain, app14);
    }

    /** {@code jpeg} with an EXIF APP1 segment whose IFD0 holds only Orientation (tag 274) = {@code orientation}. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        return withExif(jpeg, exifOrientation(orientation));
    }

    /** {@code jpeg} with an APP1 "Exif" segment holding the TIFF structure {@code tiff}. */
    static byte[] withExif(byte[] jpeg, byte[] tiff) {
        int length = 2 + 6 + tiff.length;
        byte[] app1 = new byte[2 + length];
        app1[0] = (byte) 0xFF;
        app1[1] = (byte) 0xE1;
        app1[2] = (byte) (length >> 8);
        app1[3] = (byte) length;
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, app1, 4, 6);
        System.arraycopy(tiff, 0, app1, 10, tiff.length);
        return insertAfterSoi(jpeg, app1);
    }

    /** An EXIF block (a TIFF structure, TIFF 6.0 section 2) whose IFD0 holds only Orientation (tag 274) = {@code orientation}. */
    static byte[] exifOrientation(int orientation) {
        return new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte) (orientation >> 8), (byte) orientation, 0, 0, // Orientation, SHORT, 1 value
            0, 0, 0, 0}; // no next IFD
    }

    /**
     * {@code png} with an {@code eXIf} chunk holding {@code exif} right after IHDR, as Pillow writes
     * it ({@code img.save("x.png", exif=...)}): length, type, data, CRC-32 of type and data.
     */
    static byte[] withExifChunk(byte[] png, byte[] exif) {
        return withChunk(png, "eXIf", exif, exif.length, true);
    }

    /** {@code png} with a chunk after IHDR whose length field says {@code declaredLength}, and a right or wrong CRC. */
    static byte[] withChunk(byte[] png, String type, byte[] data, long declaredLength, boolean rightCrc) {
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(name);
        crc.update(data);
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + data.length)
                .putInt((int) declaredLength).put(name).put(data).putInt((int) crc.getValue() ^ (rightCrc ? 0 : 1));
        int afterIhdr = 8 + 12 + 13;
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, afterIhdr);
        System.arraycopy(chunk.array(), 0, out, afterIhdr, chunk.capacity());
        System.arraycopy(png, afterIhdr, out, afterIhdr + chunk.capacity(), png.length - afterIhdr);
        return out;
    }

    private static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    private static byte[] jpeg(IIOImage image, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1f);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Each digit's centre line in a unit square, as a pen writes it (ovals as {cx, cy, rx, ry, NaN}). */
    private static final double[][][] STROKES = {
        {{0.5, 0.5, 0.24, 0.4, Double.NaN}},
        {{0.36, 0.26, 0.55, 0.1, 0.55, 0.9}},
        {{0.25, 0.3, 0.35, 0.15, 0.55, 0.1, 0.72, 0.2, 0.72, 0.38, 0.25, 0.9, 0.8, 0.9}},
        {{0.25, 0.15, 0.7, 0.15, 0.45, 0.45, 0.7, 0.55, 0.74, 0.75, 0.55, 0.9, 0.25, 0.85}},
        {{0.62, 0.9, 0.62, 0.1, 0.2, 0.65, 0.82, 0.65}},
        {{0.72, 0.1, 0.32, 0.1, 0.28, 0.45, 0.55, 0.4, 0.72, 0.55, 0.72, 0.75, 0.55, 0.9, 0.25, 0.85}},
        {{0.65, 0.1, 0.4, 0.3, 0.28, 0.6, 0.32, 0.85, 0.5, 0.92, 0.68, 0.8, 0.65, 0.6, 0.45, 0.55, 0.3, 0.65}},
        {{0.22, 0.12, 0.78, 0.12, 0.4, 0.9}},
        {{0.5, 0.29, 0.16, 0.19, Double.NaN}, {0.5, 0.69, 0.2, 0.21, Double.NaN}},
        {{0.5, 0.3, 0.2, 0.2, Double.NaN}, {0.7, 0.3, 0.66, 0.9}},
    };

    /**
     * Digit {@code digit} written with a round pen {@code pen} pixels wide, the digit {@code height} pixels
     * tall, on a white {@code size} x {@code size} picture in ink {@code ink} (0-255 grey).
     */
    static BufferedImage written(int digit, int size, int height, float pen, int ink) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setStroke(new java.awt.BasicStroke(pen, java.awt.BasicStroke.CAP_ROUND, java.awt.BasicStroke.JOIN_ROUND));
        g.setColor(new java.awt.Color(ink, ink, ink));
        double left = (size - height) / 2.0;
        double top = (size - height) / 2.0;
        for (double[] s : STROKES[digit]) {
            if (s.length == 5) {
                g.draw(new java.awt.geom.Ellipse2D.Double(left + (s[0] - s[2]) * height, top + (s[1] - s[3]) * height,
                        2 * s[2] * height, 2 * s[3] * height));
            } else {
                java.awt.geom.Path2D.Double path = new java.awt.geom.Path2D.Double();
                path.moveTo(left + s[0] * height, top + s[1] * height);
                for (int k = 2; k < s.length; k += 2) {
                    path.lineTo(left + s[k] * height, top + s[k + 1] * height);
                }
                g.draw(path);
            }
        }
        g.dispose();
        return image;
    }

    /** Grey levels lit unevenly: full light on the left, {@code shadow} of it from {@code edge} (a fraction of the width) rightwards, soft. */
    static int[][] shadowed(int[][] g, float shadow, float edge) {
        int w = g[0].length;
        int[][] out = new int[g.length][w];
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < w; x++) {
                float t = Math.max(0, Math.min(1, ((float) x / w - edge) / 0.08f + 0.5f)); // slanted soft edge
                t = Math.max(0, Math.min(1, t + 0.3f * ((float) y / g.length - 0.5f)));
                out[y][x] = Math.round(g[y][x] * (1 - t * (1 - shadow)));
            }
        }
        return out;
    }

    /** Grey levels under a lamp: light falling off towards the corners to {@code corner} of the centre's. */
    static int[][] vignetted(int[][] g, float corner) {
        int w = g[0].length;
        int h = g.length;
        int[][] out = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = (x - w / 2.0) / (w / 2.0);
                double dy = (y - h / 2.0) / (h / 2.0);
                double r2 = Math.min(1, (dx * dx + dy * dy) / 2);
                out[y][x] = (int) Math.round(g[y][x] * (1 - r2 * (1 - corner)));
            }
        }
        return out;
    }

    /** {@code ink} (0-1 per pixel, from {@link #grey} with paper 0 and ink 255) as RGBA strokes of one colour on a transparent canvas whose hidden RGB is {@code hidden}. */
    static BufferedImage canvas(int[][] ink, int rgb, int hidden) {
        BufferedImage image = new BufferedImage(ink[0].length, ink.length, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < ink.length; y++) {
            for (int x = 0; x < ink[0].length; x++) {
                int a = ink[y][x];
                image.setRGB(x, y, a == 0 ? hidden & 0xFFFFFF : a << 24 | rgb & 0xFFFFFF);
            }
        }
        return image;
    }

    /**
     * {@code coverage} (0-255 per pixel, from {@link #grey} with paper 0 and ink 255) as an RGB picture: paper of
     * colour {@code paper}, full ink of colour {@code ink} (0xRRGGBB), mixed linearly at the edges.
     */
    static BufferedImage coloured(int[][] coverage, int paper, int ink) {
        BufferedImage image = new BufferedImage(coverage[0].length, coverage.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < coverage.length; y++) {
            for (int x = 0; x < coverage[0].length; x++) {
                float a = coverage[y][x] / 255f;
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int p = paper >> shift & 0xFF;
                    int i = ink >> shift & 0xFF;
                    rgb |= Math.round(p + a * (i - p)) << shift;
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** Grey levels with a camera's sensor noise: uniform in [-amplitude, amplitude], seeded, clamped to 0-255. */
    static int[][] noisy(int[][] g, int amplitude, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[][] out = new int[g.length][g[0].length];
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                out[y][x] = Math.max(0, Math.min(255, g[y][x] + random.nextInt(2 * amplitude + 1) - amplitude));
            }
        }
        return out;
    }

    /**
     * The light is not ink, and the ink is still there: ink in {@code actual} where the evenly lit picture
     * has none within a pixel (a shadow's edge, a dark corner) and ink of the evenly lit picture with
     * none within a pixel in {@code actual} are each under 10 % of its mass. (How strong faint strokes
     * come out may differ: the ink's stretch depends on the whole picture's histogram.)
     */
    static void assertNoFalseInk(float[] even, float[] actual, String what) {
        assertTrue(actual != null, what + ": no digit found");
        double mass = 0;
        double falseInk = 0;
        double lostInk = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                mass += even[y * 28 + x];
                if (actual[y * 28 + x] > 0.2f && near(even, x, y) == 0) {
                    falseInk += actual[y * 28 + x];
                }
                if (even[y * 28 + x] > 0.5f && near(actual, x, y) == 0) {
                    lostInk += even[y * 28 + x];
                }
            }
        }
        assertTrue(falseInk / mass < 0.1, what + ": " + Math.round(100 * falseInk / mass) + " % false ink");
        assertTrue(lostInk / mass < 0.1, what + ": " + Math.round(100 * lostInk / mass) + " % of the ink lost");
    }

    /** The most ink within one pixel of (x, y). */
    static float near(float[] p, int x, int y) {
        float max = 0;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int sx = x + dx;
                int sy = y + dy;
                if (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) {
                    max = Math.max(max, p[sy * 28 + sx]);
                }
            }
        }
        return max;
    }
}
