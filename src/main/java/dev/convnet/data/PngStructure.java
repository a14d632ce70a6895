package dev.convnet.data;

import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * What a PNG's chunks declare before its image data, read from the chunk headers alone (PNG
 * Specification, Third Edition, W3C 2025, section 5.3 "Chunk layout": a 4-byte length, a 4-byte
 * type, the data, a CRC-32 of type and data): the IHDR fields and the {@code eXIf} chunk, where a
 * PNG carries the EXIF orientation a JPEG carries in APP1. {@code eXIf} was registered by the PNG
 * Extensions 1.5.0 (2017) and is part of the Third Edition; it holds a TIFF structure (TIFF 6.0
 * section 2: "II" or "MM", 42, the offset of IFD0), without JPEG's {@code Exif\0\0} prefix. Pillow
 * writes it before IDAT ({@code img.save("x.png", exif=...)}), and browsers (Chromium among them)
 * show such a picture turned as it says.
 *
 * <p>Bounded whatever the bytes say: only chunk headers are read, each length is checked against
 * the bytes that are there (a length beyond the file ends the walk, it is never allocated), the walk
 * stops at the first IDAT (the image data: an {@code eXIf} after it is not looked for, the
 * orientation being needed before the pixels), at IEND, or after {@link #MAX_CHUNKS} chunks,
 * and an {@code eXIf} whose CRC does not match is ignored, as PNG decoders discard a damaged
 * ancillary chunk (section 13.2, "Error checking").
 *
 * @param width IHDR's width in pixels (unsigned 32 bits, so up to 2^32 - 1)
 * @param height IHDR's height in pixels
 * @param bitDepth IHDR's bit depth
 * @param colourType IHDR's colour type
 * @param exif the TIFF structure of the first intact {@code eXIf} chunk before IDAT, or null
 */
record PngStructure(long width, long height, int bitDepth, int colourType, byte[] exif) {
    /** Real PNGs have a dozen chunks before IDAT; a walk stops looking for {@code eXIf} after this many. */
    static final int MAX_CHUNKS = 1_000;

    /**
     * Reads the structure of {@code png} (which starts with the PNG signature).
     *
     * @throws ImageFormatException when IHDR is not the first chunk, is cut short or fails its CRC
     */
    static PngStructure of(byte[] png) {
        if (png.length < 8 + 8 + 13 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R') {
            throw new ImageFormatException("damaged PNG image: no IHDR chunk first");
        }
        if (png.length < 8 + 12 + 13 || uint32(png, 8) != 13 || !crcMatches(png, 8, 13)) {
            // a critical chunk that fails its CRC is an error (section 13.2): its width and height are not to be
            // believed (a flipped bit in the height was "280 x 1,073,742,104 pixels, more than the limit")
            throw new ImageFormatException("damaged PNG image: its header (IHDR) fails its CRC-32 check; use an intact copy");
        }
        long width = uint32(png, 16);
        long height = uint32(png, 20);
        int depth = png[24] & 0xFF;
        int colourType = png[25] & 0xFF;
        byte[] exif = null;
        long at = 8 + 12 + uint32(png, 8); // after IHDR
        for (int chunks = 0; chunks < MAX_CHUNKS && at + 12 <= png.length; chunks++) {
            int i = (int) at;
            long length = uint32(png, i);
            if (length > Integer.MAX_VALUE || at + 12 + length > png.length) {
                break; // PNG lengths are at most 2^31 - 1; past the end the file is cut short or hostile
            }
            if (isType(png, i + 4, "IDAT") || isType(png, i + 4, "IEND")) {
                break;
            }
            if (exif == null && isType(png, i + 4, "eXIf") && crcMatches(png, i, (int) length)) {
                exif = tiff(Arrays.copyOfRange(png, i + 8, i + 8 + (int) length));
            }
            at += 12 + length;
        }
        return new PngStructure(width, height, depth, colourType, exif);
    }

    /** The TIFF structure, tolerating the {@code Exif\0\0} prefix some writers copy over from JPEG. */
    private static byte[] tiff(byte[] data) {
        boolean prefixed = data.length > 6 && data[0] == 'E' && data[1] == 'x' && data[2] == 'i' && data[3] == 'f'
                && data[4] == 0 && data[5] == 0;
        return prefixed ? Arrays.copyOfRange(data, 6, data.length) : data;
    }

    private static boolean crcMatches(byte[] png, int chunk, int length) {
        CRC32 crc = new CRC32();
        crc.update(png, chunk + 4, 4 + length);
        return crc.getValue() == uint32(png, chunk + 8 + length);
    }

    private static boolean isType(byte[] png, int at, String type) {
        return png[at] == type.charAt(0) && png[at + 1] == type.charAt(1) && png[at + 2] == type.charAt(2)
                && png[at + 3] == type.charAt(3);
    }

    private static long uint32(byte[] b, int at) {
        return (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFFL) << 16 | (b[at + 2] & 0xFFL) << 8 | (b[at + 3] & 0xFFL);
    }
}
