package dev.convnet.data;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The one decoder for every picture that enters convnet (predict, serve, evaluate): PNG, JPEG
 * (baseline, progressive, CMYK), GIF and BMP, recognised by content, nothing else (TIFF, WebP, ...
 * are refused in one line), with the EXIF orientation of a JPEG's APP1 segment or a PNG's
 * {@code eXIf} chunk ({@link PngStructure}; GIF and BMP carry none). Bounded before any pixel is
 * decoded:
 * <ul>
 * <li>bytes: at most {@code maxBytes} are read;
 * <li>pixels: the header's width x height at most {@code maxPixels} (a 1.7 MB PNG can declare
 *     40000x40000 pixels, 6.4 GB once decoded);
 * <li>sides: width and height each at most {@link #MAX_SIDE}, whatever the area (a 233 kB PNG of
 *     1 x 120,000,000 pixels took 16 s and 500 MB to decode and prepare, a row at a time);
 * <li>work: a JPEG's samples per pixel at most 4 and its scans at most {@link #MAX_JPEG_SCANS} and
 *     {@link #MAX_SCANS_PER_PIXEL_LIMIT} passes over the pixel limit (a 68 kB progressive JPEG with
 *     1,000 scans takes 25 s to decode); a PNG's bit depth and colour type must be valid (PNG 1.2
 *     section 11.2.2) and a BMP's bits per pixel one of 1, 4, 8, 16, 24, 32.
 * </ul>
 * Pictures over 16 megapixels are subsampled by the decoder itself, so a 48 MP photo never needs
 * 192 MB of pixels. With {@code concurrentLargeDecodes}, decodes of more than 512x512 pixels take a
 * permit, so a burst of big photos cannot hold more than a few decoded pictures at once.
 *
 * <p>Thread-safe (immutable apart from the permits). Every failure is an
 * {@link ImageFormatException} with a one-line message a person can act on.
 */
public final class ImageDecoder {
    /**
     * 120 megapixels: more than a 108 MP phone's full-resolution photo (12,000 x 9,000; 48-50 MP
     * ones are common); a digit needs 28x28. Decoding stays bounded: beyond 16 MP the decoder
     * subsamples.
     */
    public static final long DEFAULT_MAX_PIXELS = 120_000_000;
    /**
     * The longest side a picture may have, 32,768 pixels, checked from the header with the pixel
     * count: more than any camera writes (a 108 MP phone photo is 12,000 x 9,000, a phone panorama
     * about 16,000 wide; JPEG itself stops at 65,535, ITU-T T.81 B.2.2). Decoders work a row at a
     * time, so a thin picture of many pixels costs far more than a square one of the same pixels
     * (1 x 16,777,216: 2-4 s against 0.2 s for 4096 x 4096), and a row of 120,000,000 16-bit RGBA
     * pixels (960 MB) is more than a Java raster can index; within this side a row is at most
     * 256 kB (PNG's widest pixel, 16-bit RGBA, is 8 bytes, PNG 1.2 section 11.2.2).
     */
    public static final int MAX_SIDE = 32_768;
    /** No picture of a digit needs more bytes than this. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** libjpeg's progressive scripts write 6 (grey) to 10 (colour) scans; optimisers a few dozen. */
    public static final int MAX_JPEG_SCANS = 100;
    /** A JPEG's scans times its pixels may be at most this many times the pixel limit (or {@link #WORK_PIXELS}). */
    public static final int MAX_SCANS_PER_PIXEL_LIMIT = 10;
    /**
     * The pixels the JPEG work bound counts with when the pixel limit is higher: a progressive JPEG
     * keeps every coefficient of the full picture while it decodes (about 6 bytes a pixel in colour),
     * whatever the subsampling, so its bound did not grow when the limit went from 40 to 120 MP.
     */
    static final long WORK_PIXELS = 40_000_000;
    /** Decoded pictures beyond this are subsampled while decoding: more than any digit needs. */
    private static final long SUBSAMPLE_ABOVE = 16_000_000;
    /** Pictures up to this many pixels decode without a permit: they cost about a megabyte. */
    private static final long SMALL = 512L * 512;

    private final long maxPixels;
    private final long maxBytes;
    private final Semaphore largeDecodes;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
    }

    public ImageDecoder(long maxPixels, long maxBytes) {
        this(maxPixels, maxBytes, Integer.MAX_VALUE);
    }

    /**
     * @param maxPixels the most pixels (width x height) a picture may declare
     * @param maxBytes the most bytes a picture may have
     * @param concurrentLargeDecodes how many pictures over 512x512 may decode at once (others wait)
     */
    public ImageDecoder(long maxPixels, long maxBytes, int concurrentLargeDecodes) {
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
        this.largeDecodes = new Semaphore(concurrentLargeDecodes);
    }

    /** A picture file; the message of any failure leaves the file name to the caller. */
    public DecodedImage decode(Path file) {
        byte[] bytes;
        try {
            String problem = FileErrors.notARegularFile(file);
            if (problem != null) {
                throw new ImageFormatException(problem.startsWith("a ") ? problem + ", not a picture file" : problem);
            }
            checkBytes(Files.size(file));
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1)); // the file may grow meanwhile
            }
        } catch (AccessDeniedException e) {
            throw new ImageFormatException("permission denied");
        } catch (NoSuchFileException e) {
            throw new ImageFormatException(FileErrors.describe(e));
        } catch (IOException e) {
            throw new ImageFormatException("cannot read (" + FileErrors.describe(e) + ")");
        }
        return decode(bytes);
    }

    /** A picture received as bytes (an upload). */
    public DecodedImage decode(byte[] bytes) {
        checkBytes(bytes.length);
        PictureFormat format = PictureFormat.sniff(bytes.length > 16 ? java.util.Arrays.copyOf(bytes, 16) : bytes);
        JpegStructure jpeg = format == PictureFormat.JPEG ? JpegStructure.of(bytes) : null;
        PngStructure png = format == PictureFormat.PNG ? PngStructure.of(bytes) : null;
        if (jpeg != null) {
            checkJpeg(jpeg);
        } else if (png != null) {
            checkPng(png);
            checkPixels(png.width(), png.height());
        } else if (format == PictureFormat.BMP) {
            checkBmp(bytes);
            checkBmpSize(bytes);
        }
        // The bytes are in memory already: ImageIO.createImageInputStream would copy them to a temp file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            BufferedImage image = read(in, format, jpeg, bytes);
            byte[] exif = jpeg != null ? jpeg.exif() : png != null ? png.exif() : null;
            int orientation = exif == null ? 1 : orientation(exif);
            return new DecodedImage(image, orientation, format);
        } catch (IOException e) {
            throw new ImageFormatException("cannot read (" + FileErrors.describe(e) + ")");
        }
    }

    private void checkBytes(long size) {
        if (size > maxBytes) {
            throw ImageFormatException.overLimit(String.format(Locale.ROOT, "%,d bytes, more than the limit of %,d for a picture",
                    size, maxBytes));
        }
        if (size == 0) {
            throw new ImageFormatException("empty file");
        }
    }

    private void checkJpeg(JpegStructure jpeg) {
        if (jpeg.components() > 4) {
            throw new ImageFormatException("damaged JPEG image: " + jpeg.components() + " samples per pixel (at most 4 exist)");
        }
        // Ends inside a segment, or after the headers (a file of headers only is no picture either), or a
        // progressive one without its end: cut between two scans, it decodes from the coarser ones without a warning.
        if (jpeg.cutShort() || jpeg.scans() == 0 || jpeg.progressive() && !jpeg.ended()) {
            throw new ImageFormatException("damaged JPEG image: " + CUT_SHORT);
        }
        checkPixels(jpeg.width(), jpeg.height());
        long work = (long) jpeg.scans() * jpeg.width() * jpeg.height();
        long workPixels = Math.min(maxPixels, WORK_PIXELS);
        if (jpeg.scans() > MAX_JPEG_SCANS || work > MAX_SCANS_PER_PIXEL_LIMIT * workPixels) {
            throw ImageFormatException.overLimit(String.format(Locale.ROOT,
                    "JPEG with %,d scans over %,d x %,d pixels, more work than the limit (%d scans, %d passes over %,d pixels);"
                            + " save it as a baseline JPEG or a PNG", jpeg.scans(), jpeg.width(), jpeg.height(),
                    MAX_JPEG_SCANS, MAX_SCANS_PER_PIXEL_LIMIT, workPixels));
        }
    }

    private static void checkPng(PngStructure png) {
        int depth = png.bitDepth();
        int colourType = png.colourType();
        boolean valid = switch (colourType) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            default -> false;
        };
        if (!valid) {
            throw new ImageFormatException("damaged PNG image: bit depth " + depth + " with colour type " + colourType
                    + " does not exist");
        }
    }

    private static void checkBmp(byte[] bmp) {
        if (bmp.length < 30) {
            throw new ImageFormatException("damaged BMP image: the header is cut short");
        }
        long declared = int32le(bmp, 2) & 0xFFFFFFFFL; // bfSize: the whole file; 0 where a writer left it out
        if (declared > bmp.length || bmp.length >= 34 && !rleEnds(bmp)) { // an RLE picture cut short decodes, its rest black
            throw new ImageFormatException("damaged BMP image: " + CUT_SHORT);
        }
        int bits = (bmp[28] & 0xFF) | (bmp[29] & 0xFF) << 8;
        if (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            throw new ImageFormatException("damaged BMP image: " + bits + " bits per pixel (1, 4, 8, 16, 24 or 32 exist)");
        }
        int headerSize = (bmp[14] & 0xFF) | (bmp[15] & 0xFF) << 8 | (bmp[16] & 0xFF) << 16 | (bmp[17] & 0xFF) << 24;
        int compression = bmp.length < 34 || headerSize < 40 ? 0 : (bmp[30] & 0xFF) | (bmp[31] & 0xFF) << 8 | (bmp[32] & 0xFF) << 16
                | (bmp[33] & 0xFF) << 24;
        if (compression == 4 || compression == 5) {
            // BI_JPEG / BI_PNG (a printer format): the picture inside would be decoded without the
            // JPEG and PNG work bounds (a 434 kB one took 25 s), so it is refused as what it is
            throw new ImageFormatException("a BMP that wraps a " + (compression == 4 ? "JPEG" : "PNG")
                    + " (BMP compression " + compression + ") is not read; save the picture as ." + (compression == 4 ? "jpg" : "png"));
        }
    }

    /**
     * A BMP's size from its BITMAPINFOHEADER (or a later one: 40 bytes or more; width and height are
     * signed 32-bit there, a negative height meaning top-down rows), checked before the JDK's reader
     * sees it; the 12-byte OS/2 header's 16-bit sizes are checked once the reader has read them.
     */
    private void checkBmpSize(byte[] bmp) {
        int headerSize = int32le(bmp, 14);
        if (headerSize >= 40 && bmp.length >= 26) {
            long width = int32le(bmp, 18);
            long height = Math.abs((long) int32le(bmp, 22));
            checkPixels(width, height);
        }
    }

    /**
     * Whether a run-length-encoded BMP's pixel data (BI_RLE8 = 1, BI_RLE4 = 2) reaches its
     * end-of-bitmap escape (0, 1) within the file; true for other compressions. Escapes, from
     * Microsoft's BMP documentation: 0 0 end of line, 0 1 end of bitmap, 0 2 dx dy delta, 0 n
     * (n >= 3) an absolute run of n pixels, padded to 16 bits.
     */
    private static boolean rleEnds(byte[] bmp) {
        int compression = int32le(bmp, 30);
        if (compression != 1 && compression != 2) {
            return true;
        }
        long at = int32le(bmp, 10) & 0xFFFFFFFFL; // bfOffBits
        while (at + 1 < bmp.length) {
            int count = bmp[(int) at] & 0xFF;
            int code = bmp[(int) at + 1] & 0xFF;
            at += 2;
            if (count > 0) {
                continue; // an encoded run
            }
            if (code == 1) {
                return true;
            } else if (code == 2) {
                at += 2;
            } else if (code >= 3) {
                int bytes = compression == 1 ? code : (code + 1) / 2;
                at += bytes + (bytes & 1);
            }
        }
        return false;
    }

    private static int int32le(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private void checkPixels(long width, long height) {
        if (width < 1 || height < 1) {
            throw new ImageFormatException("declares an empty picture (" + width + "x" + height + ")");
        }
        if (width * height > maxPixels) {
            throw ImageFormatException.overLimit(String.format(Locale.ROOT,
                    "%,d x %,d pixels, more than the limit of %,d pixels; scale it down (a digit needs 28x28)",
                    width, height, maxPixels));
        }
        if (Math.max(width, height) > MAX_SIDE) {
            throw ImageFormatException.overLimit(String.format(Locale.ROOT,
                    "%,d x %,d pixels, a side more than the limit of %,d pixels; crop or scale it down (a digit needs 28x28)",
                    width, height, MAX_SIDE));
        }
    }

    private BufferedImage read(ImageInputStream in, PictureFormat format, JpegStructure jpeg, byte[] bytes) {
        ImageReader reader = readerFor(format);
        try {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkPixels(width, height);
            if (format == PictureFormat.GIF) { // Java's reader leaves missing or damaged data blank, silently
                String problem = GifStructure.problem(bytes);
                if (problem != null) {
                    throw new ImageFormatException("damaged GIF image: " + problem + "; use the whole file");
                }
            }
            long pixels = (long) width * height;
            ImageReadParam param = reader.getDefaultReadParam();
            int step = (int) Math.ceil(Math.sqrt((double) pixels / SUBSAMPLE_ABOVE));
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            boolean permit = pixels > SMALL;
            if (permit) {
                largeDecodes.acquireUninterruptibly();
            }
            try {
                // A JPEG cut short decodes without an exception: libjpeg warns "Premature end of JPEG
                // file" and fills the rest with grey, which a model reads with confidence.
                java.util.List<String> warnings = new java.util.ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = jpeg != null && jpeg.components() == 4
                        ? Cmyk.toRgb(reader.readRaster(0, param), jpeg.adobeTransform())
                        : reader.read(0, param);
                if (image == null) {
                    throw new ImageFormatException("no picture inside");
                }
                if (warnings.stream().anyMatch(ImageDecoder::saysCutShort)) {
                    throw new ImageFormatException("damaged " + format + " image: " + CUT_SHORT);
                }
                return image;
            } finally {
                if (permit) {
                    largeDecodes.release();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageFormatException ife) {
                throw ife;
            }
            if (e.getCause() instanceof OutOfMemoryError oom) {
                throw oom; // ImageIO wraps it ("Caught exception during read"): too big for the heap, not damaged
            }
            // ImageIO's decoders throw all kinds of runtime exceptions on damaged files.
            throw new ImageFormatException("damaged " + format + " image: " + message(e));
        } finally {
            reader.dispose();
        }
    }

    /** The reader for {@code format}: for JPEG TwelveMonkeys' (CMYK, YCCK, broken markers), which ImageIO ranks first. */
    private static ImageReader readerFor(PictureFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new IllegalStateException("this Java runtime has no " + format + " reader");
        }
        return readers.next();
    }

    /**
     * The EXIF Orientation (TIFF 6.0 tag 274 in IFD0) of a TIFF structure, from a JPEG's APP1 or a
     * PNG's eXIf, read by TwelveMonkeys' TIFF reader (which refuses a value whose offset and count
     * point past the block rather than allocating what the count says); 1 when absent or
     * unreadable: a damaged EXIF block does not spoil the picture.
     */
    private static int orientation(byte[] exif) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(exif))) {
            Directory ifd0 = new TIFFReader().read(in);
            Entry entry = ifd0.getEntryById(TIFF.TAG_ORIENTATION);
            return entry != null && entry.getValue() instanceof Number n ? n.intValue() : 1;
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    /**
     * Whether a JPEG decoder's warning says data is missing: "Corrupt JPEG data: premature end of
     * data segment" (libjpeg's JWRN_JPEG_EOF family), or "Invalid SOS parameters" when the cut falls
     * in the scan header. Not "Missing EOI marker" alone, which a whole picture without its last two
     * bytes also gets, nor "extraneous bytes before marker", common in cameras' files.
     */
    private static boolean saysCutShort(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("invalid sos");
    }

    private static final String CUT_SHORT = "the picture data stops short (a file cut short, as by an unfinished upload or copy,"
            + " or damaged); use the whole file";

    private static String message(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.EOFException) {
                return CUT_SHORT;
            }
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 160 ? m.substring(0, 160) + "..." : m;
    }

    /**
     * CMYK samples to RGB without a colour profile (R = (1 - C)(1 - K)), so that a grey stays the
     * same grey. Adobe's applications store CMYK inverted (255 = no ink) and mark it with APP14,
     * whose transform 2 (YCCK, as ImageMagick and Photoshop write) stores the inverted C, M, Y as
     * JFIF YCbCr (libjpeg's jccolor.c); without APP14 the samples are plain CMYK.
     */
    private static final class Cmyk {
        static BufferedImage toRgb(Raster cmyk, int adobeTransform) {
            int w = cmyk.getWidth();
            int h = cmyk.getHeight();
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] row = new int[w * 4];
            int[] out = new int[w];
            for (int y = 0; y < h; y++) {
                cmyk.getPixels(cmyk.getMinX(), cmyk.getMinY() + y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int s0 = row[4 * x];
                    int s1 = row[4 * x + 1];
                    int s2 = row[4 * x + 2];
                    int s3 = row[4 * x + 3];
                    int c;
                    int m;
                    int yellow;
                    int k;
                    if (adobeTransform == 2) { // YCbCr of (255 - C_ink ...) inverted again by Adobe: R' = C_ink
                        c = clamp(Math.round(s0 + 1.402f * (s2 - 128)));
                        m = clamp(Math.round(s0 - 0.344136f * (s1 - 128) - 0.714136f * (s2 - 128)));
                        yellow = clamp(Math.round(s0 + 1.772f * (s1 - 128)));
                        k = 255 - s3;
                    } else if (adobeTransform >= 0) {
                        c = 255 - s0;
                        m = 255 - s1;
                        yellow = 255 - s2;
                        k = 255 - s3;
                    } else {
                        c = s0;
                        m = s1;
                        yellow = s2;
                        k = s3;
                    }
                    int r = (255 - c) * (255 - k) / 255;
                    int g = (255 - m) * (255 - k) / 255;
                    int b = (255 - yellow) * (255 - k) / 255;
                    out[x] = r << 16 | g << 8 | b;
                }
                rgb.setRGB(0, y, w, 1, out, 0, w);
            }
            return rgb;
        }

        private static int clamp(int v) {
            return Math.max(0, Math.min(255, v));
        }
    }
}
