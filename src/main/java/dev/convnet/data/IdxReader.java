package dev.convnet.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the format MNIST and Fashion-MNIST ship in), plain or gzipped, told apart by
 * their first bytes whatever the name says.
 *
 * <p>Only the unsigned-byte type (0x08) is accepted, since that is what image and label files use.
 * Everything is validated: magic number, dimension count, dimension sizes, and that the data
 * length matches the header exactly. Any violation is a {@link DataFormatException} naming the file.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_DIMENSIONS = 4;
    /**
     * The most data one file may declare: over twice MNIST's 47,040,000 bytes of training images.
     * Checked against the header before anything is read, so a 2 MB gzip bomb declaring millions
     * of images is refused instead of inflated.
     */
    public static final long MAX_DATA_BYTES = 128L << 20;

    /** Reads an IDX file with exactly {@code expectedDimensions} dimensions. */
    public IdxFile read(Path file, int expectedDimensions) {
        String name = file.toString();
        boolean gzip;
        try {
            gzip = isGzip(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(name + ": file not found");
        } catch (IOException e) {
            throw new DataFormatException(name + ": cannot read (" + FileErrors.describe(e) + ")", e);
        }
        try (InputStream in = open(file, gzip)) {
            IdxFile idx = parse(name + (gzip == file.getFileName().toString().endsWith(".gz") ? ""
                    : gzip ? " (gzip data under a plain name)" : " (plain data under a .gz name)"), in, gzip ? -1 : Files.size(file));
            if (idx.dimensions().length != expectedDimensions) {
                throw new DataFormatException(name + ": expected " + expectedDimensions
                        + " dimensions (" + (expectedDimensions == 1 ? "a label file" : "an image file")
                        + ") but the header declares " + idx.dimensions().length);
            }
            return idx;
        } catch (NoSuchFileException e) {
            throw new DataFormatException(name + ": file not found");
        } catch (ZipException e) {
            throw new DataFormatException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (EOFException e) {
            throw new DataFormatException(name + ": file is truncated (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataFormatException(name + ": cannot read (" + FileErrors.describe(e) + ")", e);
        }
    }

    /**
     * Gzip or plain by content, not by name (gzip's magic 1F 8B; an IDX file starts 00 00): people
     * gunzip files and keep the name, or save a download under the plain name.
     */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            return magic.length == 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B;
        }
    }

    /** The file's content, uncompressed when it is gzipped (told by content, as {@link #isGzip}). */
    static InputStream openContent(Path file) throws IOException {
        return open(file, isGzip(file));
    }

    private static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /**
     * What a header that is no IDX magic says the file is, by the formats' own magic numbers (xz,
     * bzip2, zstd, zip, 7z; gzip here is a second layer inside the first), or null.
     */
    private static String packedAs(byte[] h) {
        int b0 = h[0] & 0xFF;
        int b1 = h[1] & 0xFF;
        int b2 = h[2] & 0xFF;
        int b3 = h[3] & 0xFF;
        if (b0 == 0x1F && b1 == 0x8B) {
            return "gzip data inside gzip data (gzipped twice)";
        }
        if (b0 == 0xFD && b1 == '7' && b2 == 'z' && b3 == 'X') {
            return "xz-compressed data";
        }
        if (b0 == 'B' && b1 == 'Z' && b2 == 'h') {
            return "bzip2-compressed data";
        }
        if (b0 == 0x28 && b1 == 0xB5 && b2 == 0x2F && b3 == 0xFD) {
            return "zstd-compressed data";
        }
        if (b0 == 'P' && b1 == 'K' && b2 == 3 && b3 == 4) {
            return "a zip archive";
        }
        if (b0 == '7' && b1 == 'z' && b2 == 0xBC && b3 == 0xAF) {
            return "a 7-Zip archive";
        }
        return null;
    }

    /** {@code fileSize} is the plain file's length, or -1 for gzip, whose inflated length is unknown up front. */
    private static IdxFile parse(String name, InputStream in, long fileSize) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length == 0) {
            throw new DataFormatException(name + ": file is empty");
        }
        if (header.length < 4) {
            throw new DataFormatException(name + ": file is truncated inside the 4-byte magic number");
        }
        if (header[0] != 0 || header[1] != 0 || (header[2] & 0xFF) != UNSIGNED_BYTE
                || header[3] < 1 || header[3] > MAX_DIMENSIONS) {
            String packed = packedAs(header);
            if (packed != null) {
                throw new DataFormatException(name.replaceFirst(" \\((plain|gzip) data under a[^)]*\\)$", "")
                        + ": " + packed + "; convnet reads IDX files plain or gzipped once: " + (packed.startsWith("gzip")
                        ? "gunzip it once (its inner file is the gzip)" : "unpack it, then give the plain file or gzip it"));
            }
            throw new DataFormatException(String.format(
                    "%s: not an IDX file of unsigned bytes (magic number 0x%02X%02X%02X%02X; "
                            + "expected 0x00000801 for labels or 0x00000803 for images)",
                    name, header[0], header[1], header[2], header[3]));
        }
        int[] dims = new int[header[3]];
        long total = 1;
        for (int i = 0; i < dims.length; i++) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw new DataFormatException(name + ": file is truncated inside the header");
            }
            long size = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (size < 1 || size > Integer.MAX_VALUE) {
                throw new DataFormatException(name + ": dimension " + i + " has invalid size " + size);
            }
            dims[i] = (int) size;
            total *= size;
            if (total > MAX_DATA_BYTES) {
                throw new DataFormatException(String.format(java.util.Locale.ROOT,
                        "%s: the header declares more than %,d bytes of data, the limit (MNIST's training images are 47,040,000)",
                        name, MAX_DATA_BYTES));
            }
        }
        long headerBytes = 4 + 4L * dims.length;
        if (fileSize >= 0 && fileSize < headerBytes + total) {
            throw new DataFormatException(String.format(java.util.Locale.ROOT,
                    "%s: file is truncated: the header declares %,d data bytes but only %,d are present",
                    name, total, fileSize - headerBytes));
        }
        byte[] data = in.readNBytes((int) total);
        if (data.length < total) {
            throw new DataFormatException(String.format(
                    "%s: file is truncated: the header declares %,d data bytes but only %,d are present",
                    name, total, data.length));
        }
        if (in.read() != -1) {
            throw new DataFormatException(name + ": file is longer than its header declares (trailing bytes)");
        }
        return new IdxFile(name, dims, data);
    }
}
