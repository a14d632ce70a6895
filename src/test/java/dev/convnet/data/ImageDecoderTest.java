package dev.convnet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Pictures from anyone: real ones decode, bombs are refused from their header, junk fails in one line. */
class ImageDecoderTest {
    @TempDir
    Path tmp;

    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void aRealPngDecodes() throws IOException {
        BufferedImage picture = new BufferedImage(60, 40, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        Path file = Files.write(tmp.resolve("ok.png"), png.toByteArray());
        BufferedImage decoded = decoder.decode(file).image();
        assertEquals(60, decoded.getWidth());
        assertEquals(40, decoded.getHeight());
        assertEquals(60, decoder.decode(png.toByteArray()).image().getWidth());
    }

    /**
     * A picture cut short (an unfinished upload or copy) is damaged, in every format: a JPEG
     * decoded without an exception, libjpeg filling what was missing with grey, which a model
     * read as a confident "1"; Java's GIF and RLE BMP readers leave the rest blank. A GIF cut short
     * but given its trailer back (3B) is cut short all the same.
     */
    @Property(tries = 40)
    void aPictureCutShortIsDamaged(@ForAll @IntRange(min = 0, max = 5) int kind, @ForAll @IntRange(min = 80, max = 600) int side,
                                   @ForAll @IntRange(min = 20, max = 90) int percentKept, @ForAll long seed) throws IOException {
        BufferedImage picture = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = picture.createGraphics();
        java.util.Random random = new java.util.Random(seed);
        g.setColor(new java.awt.Color(230, 230, 230));
        g.fillRect(0, 0, side, side);
        g.setColor(java.awt.Color.DARK_GRAY);
        g.setStroke(new java.awt.BasicStroke(side / 12f));
        for (int stroke = 0; stroke < 3; stroke++) {
            g.drawLine(random.nextInt(side), random.nextInt(side), random.nextInt(side), random.nextInt(side));
        }
        g.dispose();
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        String format = new String[] {"jpeg", "jpeg", "png", "bmp", "bmp", "gif"}[kind];
        if (kind == 4) { // run-length encoded, 8 bits: a cut one decodes, the rest black
            BufferedImage indexed = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_INDEXED);
            indexed.getGraphics().drawImage(picture, 0, 0, null);
            javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("bmp").next();
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("BI_RLE8");
            try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(encoded)) {
                writer.setOutput(out);
                writer.write(null, new javax.imageio.IIOImage(indexed, null, null), param);
            }
            writer.dispose();
        } else if (kind == 1) { // progressive: the scans refine the whole picture, the last ones missing
            javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(encoded)) {
                writer.setOutput(out);
                writer.write(null, new javax.imageio.IIOImage(picture, null, null), param);
            }
            writer.dispose();
        } else {
            ImageIO.write(picture, format, encoded);
        }
        byte[] whole = encoded.toByteArray();
        assertEquals(side, decoder.decode(whole).image().getWidth(), "the whole file decodes");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length * percentKept / 100);
        if (kind == 4 && cut.length >= 6) { // its header made to agree with the cut (bfSize): only the data can tell
            java.nio.ByteBuffer.wrap(cut).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(2, cut.length);
        }
        if (kind == 5 && seed % 2 == 0) { // the sub-block and the file closed again: only the LZW codes can tell
            cut = java.util.Arrays.copyOf(cut, cut.length + 2);
            cut[cut.length - 1] = 0x3B;
        }
        byte[] given = cut;
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> decoder.decode(given), format + " cut to " + percentKept + " %");
        assertTrue(e.getMessage().startsWith("damaged " + (kind < 2 ? "JPEG" : format.toUpperCase(java.util.Locale.ROOT)) + " image: "),
                e.getMessage()); // mostly "the file ends before the picture does"; a cut inside a scan's header says what is wrong there
    }

    @Test
    void a40000By40000PngIsRefusedFromItsHeader() throws IOException {
        Path bomb = Files.write(tmp.resolve("bomb.png"), ImageBombs.png(40_000, 40_000, 200L << 20));
        assertTrue(Files.size(bomb) < 1 << 20, "small on disk: " + Files.size(bomb));
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> decoder.decode(bomb));
        assertEquals("40,000 x 40,000 pixels, more than the limit of 120,000,000 pixels; scale it down (a digit needs 28x28)",
                e.getMessage());
    }

    /** A 48-megapixel phone photo (8,000 x 6,000) is read, subsampled while decoding to at most 16 MP. */
    @Test
    void a48MegapixelPictureIsReadSubsampled() throws IOException {
        Path photo = Files.write(tmp.resolve("phone.png"), ImageBombs.png(8_000, 6_000, Long.MAX_VALUE));
        BufferedImage decoded = decoder.decode(photo).image();
        assertEquals(4_000, decoded.getWidth());
        assertEquals(3_000, decoded.getHeight());
    }

    /**
     * A thin picture is decoded a row at a time: 1 x 120,000,000 pixels (a 233 kB PNG) took 16 s and
     * 500 MB, and a row of 120,000,000 16-bit RGBA pixels is more than a Java raster indexes. Every
     * format is refused from its header when a side passes {@link ImageDecoder#MAX_SIDE}, however few
     * its pixels (GIF and JPEG store sides in 16 bits, so theirs are 40,000).
     */
    @Test
    void aPictureWithASideOverTheLimitIsRefusedFromItsHeaderInEveryFormat() {
        Object[][] cases = {
            {ImageBombs.png(1, 120_000_000, 8, 0, 1 << 20), "1 x 120,000,000"},
            {ImageBombs.png(120_000_000, 1, 16, 6, 1 << 20), "120,000,000 x 1"},
            {ImageBombs.of(ImageBombs.Format.BMP, 1, 120_000_000), "1 x 120,000,000"},
            {ImageBombs.of(ImageBombs.Format.BMP, 120_000_000, 1), "120,000,000 x 1"},
            {ImageBombs.of(ImageBombs.Format.GIF, 40_000, 1), "40,000 x 1"},
            {ImageBombs.of(ImageBombs.Format.JPEG, 1, 40_000), "1 x 40,000"},
        };
        for (Object[] c : cases) {
            ImageFormatException e = assertThrows(ImageFormatException.class, () -> decoder.decode((byte[]) c[0]));
            assertTrue(e.overLimit(), e.getMessage());
            assertEquals(c[1] + " pixels, a side more than the limit of 32,768 pixels; crop or scale it down"
                    + " (a digit needs 28x28)", e.getMessage());
        }
    }

    /**
     * serve's limit of 16,777,216 pixels: a PNG of 1 x 16,777,216 (32 kB) cost 2-4 s a request
     * against 0.2 s for 4096 x 4096; it is refused, and pictures with the longest allowed side decode (488 rows: 16 MP, not subsampled).
     */
    @Test
    void underTheServersPixelLimitTheSideLimitHoldsAndTheLongestSideDecodes() {
        ImageDecoder serve = new ImageDecoder(16_777_216, 64 << 20);
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> serve.decode(ImageBombs.png(1, 16_777_216, 8, 0, Long.MAX_VALUE)));
        assertTrue(e.overLimit());
        assertTrue(e.getMessage().startsWith("1 x 16,777,216 pixels, a side more than the limit"), e.getMessage());
        BufferedImage wide = serve.decode(ImageBombs.png(ImageDecoder.MAX_SIDE, 488, 8, 0, Long.MAX_VALUE)).image();
        assertEquals(ImageDecoder.MAX_SIDE, wide.getWidth());
        BufferedImage tall = serve.decode(ImageBombs.png(488, ImageDecoder.MAX_SIDE, 8, 0, Long.MAX_VALUE)).image();
        assertEquals(ImageDecoder.MAX_SIDE, tall.getHeight());
    }

    /** A flipped bit in IHDR's height: damaged, not a picture of a billion rows over the limit (PNG's CRC says which). */
    @Test
    void aPngHeaderThatFailsItsCrcIsDamagedNotHuge() {
        byte[] png = ImageBombs.png(280, 280, 8, 0, Long.MAX_VALUE);
        png[20] ^= 0x40; // the height's top byte: 280 becomes 1,073,742,104
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> decoder.decode(png));
        assertEquals("damaged PNG image: its header (IHDR) fails its CRC-32 check; use an intact copy", e.getMessage());
        assertFalse(e.overLimit(), "a damaged file, not one over a limit");
    }

    @Test
    void junkMissingAndEmptyFilesSaySo() throws IOException {
        assertEquals("no such file", assertThrows(ImageFormatException.class, () -> decoder.decode(tmp.resolve("none.png"))).getMessage());
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        assertEquals("empty file", assertThrows(ImageFormatException.class, () -> decoder.decode(empty)).getMessage());
        Path text = Files.writeString(tmp.resolve("notes.png"), "not a picture");
        assertEquals("not a PNG, JPEG, GIF or BMP image", assertThrows(ImageFormatException.class, () -> decoder.decode(text)).getMessage());
        assertEquals("a folder, not a picture file", assertThrows(ImageFormatException.class, () -> decoder.decode(tmp)).getMessage());
    }

    @Test
    void onlyTheDocumentedFormatsAreReadEverywhere() {
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x15, 1, 3, 0, 1, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0, 0};
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> decoder.decode(tiff));
        assertEquals("a TIFF image, not a PNG, JPEG, GIF or BMP image; convert it to PNG first", e.getMessage());
        byte[] webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
        assertEquals("a WebP image, not a PNG, JPEG, GIF or BMP image; convert it to PNG first",
                assertThrows(ImageFormatException.class, () -> decoder.decode(webp)).getMessage());
    }

    /** A progressive JPEG's cost is its scans times its pixels: 1,000 scans over 4096x4096 took 25 s to decode. */
    @Test
    void aJpegWithThousandsOfScansIsRefusedBeforeDecoding() {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
        jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC2, 0, 11, 8, 0x10, 0, 0x10, 0, 1, 1, 0x11, 0}); // SOF2 4096x4096, grey
        for (int scan = 0; scan < 1000; scan++) {
            jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 0, 0, 0x12, 0x34}); // SOS and a little data
        }
        jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        long start = System.nanoTime();
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> decoder.decode(jpeg.toByteArray()));
        assertTrue(e.overLimit(), e.getMessage());
        assertTrue(e.getMessage().startsWith("JPEG with 1,000 scans over 4,096 x 4,096 pixels, more work than the limit"), e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused from its markers, not decoded");
    }

    /**
     * A BMP may wrap a JPEG or PNG (compression 4 or 5); the JDK then decodes it without the JPEG and
     * PNG checks (a 434 kB one took 25 s on the server). Refused from the BMP header, whatever is inside.
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void aBmpWrappingAJpegOrPngIsRefusedFromItsHeader(int compression) throws IOException {
        BufferedImage picture = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        ImageIO.write(picture, compression == 4 ? "jpeg" : "png", inner);
        java.nio.ByteBuffer bmp = java.nio.ByteBuffer.allocate(54 + inner.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(54 + inner.size()).putInt(0).putInt(54); // file header
        bmp.putInt(40).putInt(4096).putInt(4096).putShort((short) 1).putShort((short) 24).putInt(compression).putInt(inner.size())
                .putInt(2835).putInt(2835).putInt(0).putInt(0); // BITMAPINFOHEADER
        bmp.put(inner.toByteArray());
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> decoder.decode(bmp.array()));
        assertEquals("a BMP that wraps a " + (compression == 4 ? "JPEG (BMP compression 4) is not read; save the picture as .jpg"
                : "PNG (BMP compression 5) is not read; save the picture as .png"), e.getMessage());
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(picture, "bmp", plain);
        assertEquals(64, decoder.decode(plain.toByteArray()).image().getWidth(), "an ordinary BMP still decodes");
    }

    @Test
    void aNormalProgressiveJpegDecodesAndSizeLimitsAreLimits() throws IOException {
        BufferedImage picture = new BufferedImage(300, 200, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (javax.imageio.stream.ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new javax.imageio.IIOImage(picture, null, null), param);
        }
        assertEquals(300, decoder.decode(out.toByteArray()).image().getWidth());
        assertTrue(assertThrows(ImageFormatException.class, () -> new ImageDecoder(10_000, 1 << 20).decode(out.toByteArray())).overLimit());
        assertTrue(assertThrows(ImageFormatException.class, () -> new ImageDecoder(1_000_000, 100).decode(out.toByteArray())).overLimit());
    }

    /**
     * Every format, every size up to 65500 x 65500 (libjpeg's own limit): refused from the header over
     * the pixel or the side limit, never an allocation or decoder error.
     */
    @Property(tries = 200)
    void bombsOfEveryFormatAreRefusedOrDecodedWithinTheLimit(@ForAll ImageBombs.Format format,
            @ForAll @IntRange(min = 1, max = 65_500) int width, @ForAll @IntRange(min = 1, max = 65_500) int height) {
        ImageDecoder small = new ImageDecoder(1_000_000, 8 << 20);
        byte[] bytes = ImageBombs.of(format, width, height);
        try {
            BufferedImage image = small.decode(bytes).image();
            if ((long) image.getWidth() * image.getHeight() > 1_000_000) {
                throw new AssertionError("decoded " + image.getWidth() + "x" + image.getHeight() + " over the limit");
            }
        } catch (ImageFormatException e) {
            if (e.getMessage().contains("\n")) {
                throw new AssertionError("two lines: " + e.getMessage());
            }
            if (((long) width * height > 1_000_000 || Math.max(width, height) > ImageDecoder.MAX_SIDE)
                    && !e.getMessage().contains("more than the limit")) {
                throw new AssertionError(format + " " + width + "x" + height + " not refused from its header: " + e.getMessage());
            }
        }
    }
}
