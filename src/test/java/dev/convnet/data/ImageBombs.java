package dev.convnet.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Pictures whose headers declare any size while the file stays small: a PNG of {@code width x
 * height} greyscale pixels whose zeros deflate to almost nothing, and headers-only GIF, BMP and
 * JPEG files. They are what an attacker sends to run a decoder out of memory.
 */
public final class ImageBombs {
    private ImageBombs() {
    }

    public enum Format { PNG, GIF, BMP, JPEG }

    public static byte[] of(Format format, int width, int height) {
        return switch (format) {
            case PNG -> png(width, height, 1 << 20);
            case GIF -> gif(width, height);
            case BMP -> bmp(width, height);
            case JPEG -> jpeg(width, height);
        };
    }

    /** A 1-bit greyscale PNG; at most {@code maxRawBytes} of its (zero) scanlines are present. */
    public static byte[] png(int width, int height, long maxRawBytes) {
        return png(width, height, 1, 0, maxRawBytes);
    }

    /**
     * A non-interlaced PNG of {@code bitDepth} and {@code colourType} (0 grey, 2 RGB, 4 grey and
     * alpha, 6 RGBA: 1, 3, 2, 4 samples a pixel) whose scanlines are all zero (filter 0, black),
     * deflated in one IDAT; at most {@code maxRawBytes} of them are present (a decoder refusing
     * the header never reads further). 1 x 120,000,000 8-bit grey is about 233 kB whole.
     */
    public static byte[] png(int width, int height, int bitDepth, int colourType, long maxRawBytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType)
                    .put((byte) 0).put((byte) 0).put((byte) 0).array());
            int samples = switch (colourType) {
                case 2 -> 3;
                case 4 -> 2;
                case 6 -> 4;
                default -> 1;
            };
            long rowBytes = 1 + ((long) width * samples * bitDepth + 7) / 8;
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(9))) {
                long raw = Math.min(maxRawBytes, height * rowBytes);
                byte[] zeros = new byte[1 << 16];
                for (long left = raw; left > 0; left -= zeros.length) {
                    z.write(zeros, 0, (int) Math.min(left, zeros.length));
                }
            }
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    private static byte[] gif(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height)
                .put((byte) 0x80).put((byte) 0).put((byte) 0) // global colour table of 2
                .put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255})
                .put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height)
                .put((byte) 0).put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] bmp(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(62 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(62 + 64).putInt(0).putInt(62)
                .putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 1).putInt(0)
                .putInt(0).putInt(2835).putInt(2835).putInt(2).putInt(0)
                .putInt(0).putInt(0x00FFFFFF);
        return b.array();
    }

    private static byte[] jpeg(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(48);
        b.put(new byte[] {(byte) 0xFF, (byte) 0xD8}) // SOI
                .put(new byte[] {(byte) 0xFF, (byte) 0xC0}).putShort((short) 11).put((byte) 8)
                .putShort((short) height).putShort((short) width).put((byte) 1).put((byte) 1).put((byte) 0x11).put((byte) 0)
                .put(new byte[] {(byte) 0xFF, (byte) 0xDA}).putShort((short) 8).put((byte) 1).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 63).put((byte) 0) // SOS: libjpeg reads the header up to here
                .put(new byte[] {(byte) 0xFF, (byte) 0xD9}); // EOI
        return java.util.Arrays.copyOf(b.array(), b.position());
    }
}
