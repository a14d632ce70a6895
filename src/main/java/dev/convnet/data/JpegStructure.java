package dev.convnet.data;

import java.util.Arrays;

/**
 * What a JPEG's markers declare, read by walking its segments (ITU-T T.81 annex B) without
 * decoding anything: the frame (size, components, progressive or not), how many scans follow,
 * the Adobe APP14 colour transform of CMYK files, and the EXIF block where a camera writes the
 * orientation. Cheap (one pass over the bytes), so a decoder can refuse a picture whose decoding
 * would cost too much before it starts: a progressive JPEG of 4096x4096 pixels with 1,000 scans is
 * 68 kB and takes a JPEG decoder 25 s, each scan being a pass over every coefficient.
 *
 * @param width the frame's width in pixels (0 when no frame header was found)
 * @param height the frame's height in pixels
 * @param components samples per pixel: 1 (grey), 3 (YCbCr/RGB) or 4 (CMYK/YCCK)
 * @param progressive whether the frame is progressive (SOF2, SOF6, SOF10, SOF14)
 * @param scans the number of SOS segments
 * @param adobeTransform the Adobe APP14 transform (0 CMYK/RGB, 1 YCbCr, 2 YCCK), -1 without one
 * @param exif the TIFF structure of the APP1 "Exif" segment, or null
 * @param cutShort whether the bytes end inside a marker segment (its declared length runs past
 *     them): a file cut short, which a JPEG decoder may still decode from the scans it got
 * @param ended whether the end-of-image marker (EOI) was reached
 */
record JpegStructure(int width, int height, int components, boolean progressive, int scans, int adobeTransform,
        byte[] exif, boolean cutShort, boolean ended) {

    /** Reads the structure of {@code jpeg}, stopping at the end of image or of the bytes. */
    static JpegStructure of(byte[] jpeg) {
        int width = 0;
        int height = 0;
        int components = 0;
        boolean progressive = false;
        int scans = 0;
        int adobe = -1;
        byte[] exif = null;
        boolean cutShort = false;
        boolean ended = false;
        int i = 2; // after SOI
        int n = jpeg.length;
        while (i + 1 < n) {
            if ((jpeg[i] & 0xFF) != 0xFF) { // entropy-coded data of the last scan: find the next marker
                i++;
                continue;
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF || marker == 0x00 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                i += marker == 0xFF ? 1 : 2; // fill byte, stuffed zero, restart marker, TEM: no length
                continue;
            }
            if (marker == 0xD9) { // EOI
                ended = true;
                break;
            }
            if (i + 3 >= n) { // a marker without its length
                cutShort = true;
                break;
            }
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            cutShort = i + 2 + length > n;
            int body = i + 4;
            int end = Math.min(n, i + 2 + length);
            if (isStartOfFrame(marker) && end - body >= 6) {
                height = ((jpeg[body + 1] & 0xFF) << 8) | (jpeg[body + 2] & 0xFF);
                width = ((jpeg[body + 3] & 0xFF) << 8) | (jpeg[body + 4] & 0xFF);
                components = jpeg[body + 5] & 0xFF;
                progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            } else if (marker == 0xDA) {
                scans++;
            } else if (marker == 0xEE && end - body >= 12 && startsWith(jpeg, body, "Adobe")) {
                adobe = jpeg[body + 11] & 0xFF;
            } else if (marker == 0xE1 && exif == null && end - body > 6 && startsWith(jpeg, body, "Exif\0")) {
                exif = Arrays.copyOfRange(jpeg, body + 6, end);
            }
            i = Math.max(end, i + 2);
        }
        return new JpegStructure(width, height, components, progressive, scans, adobe, exif, cutShort, ended);
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean startsWith(byte[] bytes, int at, String text) {
        for (int k = 0; k < text.length(); k++) {
            if (bytes[at + k] != (byte) text.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
