package dev.convnet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Real MNIST for tests: the fetched dataset, and small subsets of it written as real IDX files.
 */
public final class TestData {
    public static final Path MNIST = Path.of("data/mnist");

    private TestData() {
    }

    /** The full fetched dataset; fails with the fix if it is missing. */
    public static Path mnist() {
        if (!Files.isRegularFile(MNIST.resolve("t10k-labels-idx1-ubyte"))) {
            throw new IllegalStateException("tests need MNIST in data/mnist: run scripts/fetch-mnist");
        }
        return MNIST;
    }

    /** Fashion-MNIST as scripts/fetch-data installs it (gzipped); fails with the fix if missing. */
    public static Path fashion() {
        Path dir = Path.of("data/fashion-mnist");
        if (!Files.isRegularFile(dir.resolve("t10k-labels-idx1-ubyte.gz"))) {
            throw new IllegalStateException("tests need Fashion-MNIST in data/fashion-mnist: run scripts/fetch-data fashion-mnist");
        }
        return dir;
    }

    /** Writes the first {@code train}/{@code test} real images and labels as a dataset folder. */
    public static Path subset(Path dir, int train, int test, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        copyPrefix("train", train, dir, gzip);
        copyPrefix("t10k", test, dir, gzip);
        return dir;
    }

    private static void copyPrefix(String prefix, int n, Path dir, boolean gzip) throws IOException {
        byte[] images = Files.readAllBytes(mnist().resolve(prefix + "-images-idx3-ubyte"));
        byte[] labels = Files.readAllBytes(mnist().resolve(prefix + "-labels-idx1-ubyte"));
        write(dir, prefix + "-images-idx3-ubyte", withCount(Arrays.copyOf(images, 16 + n * 784), n), gzip);
        write(dir, prefix + "-labels-idx1-ubyte", withCount(Arrays.copyOf(labels, 8 + n), n), gzip);
    }

    /** Returns {@code idx} with its item count (bytes 4-7) set to {@code n}. */
    public static byte[] withCount(byte[] idx, int n) {
        ByteBuffer.wrap(idx).putInt(4, n);
        return idx;
    }

    public static Path write(Path dir, String name, byte[] content, boolean gzip) throws IOException {
        Path file = dir.resolve(gzip ? name + ".gz" : name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    /** The MNIST digit as a photo would show it: dark ink, scaled up, off-centre on a light page. */
    public static java.awt.image.BufferedImage darkInkOnWhite(float[] digit, int scale, int left, int top, java.awt.Color paper) {
        java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(left + 28 * scale + 40, top + 28 * scale + 60, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = photo.createGraphics();
        g.setColor(paper);
        g.fillRect(0, 0, photo.getWidth(), photo.getHeight());
        java.awt.image.BufferedImage ink = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                float v = digit[y * 28 + x];
                int r = Math.round(paper.getRed() * (1 - v) + 20 * v);
                int gr = Math.round(paper.getGreen() * (1 - v) + 30 * v);
                int b = Math.round(paper.getBlue() * (1 - v) + 90 * v); // blue ballpoint
                ink.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(ink, left, top, 28 * scale, 28 * scale, null);
        g.dispose();
        return photo;
    }


    /**
     * A valid, all-black PNG of {@code bitDepth} and PNG {@code colourType} (2 RGB, 6 RGBA) with
     * {@code bytesPerPixel}: a few hundred kB on the wire, that many bytes a pixel once decoded.
     */
    public static byte[] blackPng(int w, int h, int bitDepth, int colourType, int bytesPerPixel) throws IOException {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream png = new java.io.DataOutputStream(file);
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h)
                .put(new byte[] {(byte) bitDepth, (byte) colourType, 0, 0, 0});
        chunk(png, "IHDR", ihdr.array());
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat,
                new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION))) {
            byte[] row = new byte[bytesPerPixel * w + 1];
            for (int y = 0; y < h; y++) {
                z.write(row);
            }
        }
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return file.toByteArray();
    }

    private static void chunk(java.io.DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
