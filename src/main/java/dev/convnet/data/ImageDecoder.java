package dev.convnet.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageReader;
import javax.imageio.ImageIO;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes a PNG, JPEG, GIF or BMP picture with bounded memory: the width and height are read
 * from the header first, and a picture over {@link #maxPixels} is refused before any pixel is
 * decoded (a 1.7 MB PNG can declare 40000x40000 pixels, 6.4 GB once decoded). Only the first
 * frame of an animation is read, and metadata (where compressed text chunks hide) is skipped.
 * Every failure is an {@link ImageFormatException} with a message a person can act on, so a
 * caller with several pictures reports the bad one and goes on with the rest.
 */
public final class ImageDecoder {
    /** 40 megapixels: more than a phone's full-resolution photo; a digit needs 28x28. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000;
    /** No picture of a digit needs more bytes than this. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif", "bmp");

    private final long maxPixels;
    private final long maxBytes;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
    }

    public ImageDecoder(long maxPixels, long maxBytes) {
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
    }

    /** A picture file; the message of any failure leaves the file name to the caller. */
    public BufferedImage decode(Path file) {
        long size;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ImageFormatException(Files.exists(file) ? "not a regular file" : "no such file");
            }
            size = Files.size(file);
        } catch (AccessDeniedException e) {
            throw new ImageFormatException("permission denied");
        } catch (NoSuchFileException e) {
            throw new ImageFormatException("no such file");
        } catch (IOException e) {
            throw new ImageFormatException("cannot read (" + FileErrors.describe(e) + ")");
        }
        checkBytes(size);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
             ImageInputStream in = new FileImageInputStream(raf)) {
            return decode(in);
        } catch (FileNotFoundException e) {
            throw new ImageFormatException(Files.isReadable(file) ? "cannot read (" + e.getMessage() + ")" : "permission denied");
        } catch (IOException e) {
            throw new ImageFormatException("cannot read (" + FileErrors.describe(e) + ")");
        }
    }

    /** A picture received as bytes (an upload). */
    public BufferedImage decode(byte[] bytes) {
        checkBytes(bytes.length);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in);
        } catch (IOException e) {
            throw new ImageFormatException("cannot read (" + FileErrors.describe(e) + ")");
        }
    }

    private void checkBytes(long size) {
        if (size > maxBytes) {
            throw new ImageFormatException(String.format(Locale.ROOT, "%,d bytes, more than the limit of %,d for a picture",
                    size, maxBytes));
        }
        if (size == 0) {
            throw new ImageFormatException("empty file");
        }
    }

    private BufferedImage decode(ImageInputStream in) {
        ImageReader reader = readerFor(in);
        try {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw new ImageFormatException("declares an empty picture (" + width + "x" + height + ")");
            }
            if ((long) width * height > maxPixels) {
                throw new ImageFormatException(String.format(Locale.ROOT,
                        "%,d x %,d pixels, more than the limit of %,d pixels; scale it down (a digit needs 28x28)",
                        width, height, maxPixels));
            }
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            if (image == null) {
                throw new ImageFormatException("no picture inside");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageFormatException ife) {
                throw ife;
            }
            throw new ImageFormatException("not a readable " + format(reader) + " image (" + message(e) + ")");
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader readerFor(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            if (FORMATS.contains(format(reader))) {
                return reader;
            }
            reader.dispose();
        }
        throw new ImageFormatException("not a PNG, JPEG, GIF or BMP image");
    }

    private static String format(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "";
        }
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
