package dev.convnet.web;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns request bytes into a picture with bounded memory: the image's header is read first and a
 * picture that declares more than {@code maxPixels} is refused before a single pixel is decoded
 * (a 20000x20000 PNG is a few hundred kB on the wire and 1.6 GB once decoded). Large decodes also
 * take a permit, so a burst of big photos cannot hold more than a few decoded pictures at once.
 *
 * <p>data.ImageDecoder does the same header check for the CLI; this one exists because an HTTP
 * answer must tell "too large" (413) from "not an image" (400), which its one exception type
 * does not say.
 */
final class UploadDecoder {
    /** Pictures up to this many pixels decode without a permit: they cost less than a megabyte. */
    private static final long SMALL = 512L * 512;

    private final long maxPixels;
    private final Semaphore largeDecodes;

    UploadDecoder(long maxPixels, int concurrentLargeDecodes) {
        this.maxPixels = maxPixels;
        this.largeDecodes = new Semaphore(concurrentLargeDecodes);
    }

    BufferedImage decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw HttpProblem.badImage("empty body: send the image's bytes (PNG, JPEG, GIF or BMP)");
        }
        // The bytes are in memory already: ImageIO.createImageInputStream would copy them to a temp file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw HttpProblem.badImage("not an image: send a PNG, JPEG, GIF or BMP picture");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                long pixels = (long) width * height;
                if (width < 1 || height < 1) {
                    throw HttpProblem.badImage("damaged image: it declares " + width + "x" + height + " pixels");
                }
                if (pixels > maxPixels) {
                    throw HttpProblem.tooLarge(String.format(Locale.ROOT,
                            "image too large: %dx%d is %,d pixels, the limit is %,d; scale it down first",
                            width, height, pixels, maxPixels));
                }
                return pixels <= SMALL ? reader.read(0) : readWithPermit(reader);
            } finally {
                reader.dispose();
            }
        } catch (HttpProblem e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (e.getCause() instanceof OutOfMemoryError oom) {
                throw oom; // ImageIO wraps it ("Caught exception during read"): the picture is too big for the heap, not damaged
            }
            // ImageIO's decoders throw all kinds of runtime exceptions on damaged files.
            throw HttpProblem.badImage(("damaged " + formatName(bytes) + " image: ").replace("  ", " ") + reason(e));
        }
    }

    private BufferedImage readWithPermit(ImageReader reader) throws IOException {
        largeDecodes.acquireUninterruptibly();
        try {
            return reader.read(0);
        } finally {
            largeDecodes.release();
        }
    }

    private static String formatName(byte[] bytes) {
        if (bytes.length >= 4 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return "PNG";
        }
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
            return "JPEG";
        }
        if (bytes.length >= 3 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F') {
            return "GIF";
        }
        return bytes.length >= 2 && bytes[0] == 'B' && bytes[1] == 'M' ? "BMP" : "";
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        int nl = text.indexOf('\n');
        text = nl < 0 ? text : text.substring(0, nl);
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }
}
