package dev.convnet.data;

/**
 * Whether a GIF's first picture is whole: its LZW codes (GIF89a specification, appendix F) are
 * walked without building any pixel, counting how many pixels they would make. Java's GIF reader
 * decodes a picture whose data stops early, or whose codes were damaged, without a word and
 * leaves the rest of it blank, which a model then reads with confidence. One pass over the bytes,
 * an int per code of the table (4,096 at most).
 */
final class GifStructure {
    private GifStructure() {
    }

    /**
     * @return null when the first picture's codes make all its pixels, else what is wrong
     *     ("its picture data stops after 1,234 of 78,400 pixels", "an LZW code ... that no table holds")
     */
    static String problem(byte[] gif) {
        int at = 13; // header (6) and logical screen descriptor (7)
        if (gif.length < at) {
            return "the header is cut short";
        }
        if ((gif[10] & 0x80) != 0) {
            at += 3 * (1 << ((gif[10] & 0x07) + 1)); // global colour table
        }
        while (at < gif.length) {
            int block = gif[at] & 0xFF;
            if (block == 0x21) { // extension: label, then sub-blocks
                at = skipSubBlocks(gif, at + 2);
            } else if (block == 0x2C) { // image descriptor
                if (at + 10 >= gif.length) {
                    return "the picture's header is cut short";
                }
                long width = (gif[at + 5] & 0xFF) | (gif[at + 6] & 0xFF) << 8;
                long height = (gif[at + 7] & 0xFF) | (gif[at + 8] & 0xFF) << 8;
                int packed = gif[at + 9] & 0xFF;
                at += 10;
                if ((packed & 0x80) != 0) {
                    at += 3 * (1 << ((packed & 0x07) + 1)); // local colour table
                }
                return at < gif.length ? codes(gif, at, width * height) : "the picture data is missing";
            } else {
                return block == 0x3B ? "it holds no picture" : null; // trailer; anything else: the reader decides
            }
        }
        return "the picture data is missing";
    }

    private static int skipSubBlocks(byte[] gif, int at) {
        while (at < gif.length && gif[at] != 0) {
            at += (gif[at] & 0xFF) + 1;
        }
        return at + 1;
    }

    /** Walks the LZW codes starting at the minimum code size byte {@code at}. */
    private static String codes(byte[] gif, int at, long pixels) {
        int minimum = gif[at] & 0xFF;
        if (minimum < 2 || minimum > 11) {
            return "an LZW minimum code size of " + minimum + " (2 to 11 exist)";
        }
        int clear = 1 << minimum;
        int end = clear + 1;
        int[] lengths = new int[4096];
        int next = clear + 2;
        int size = minimum + 1;
        int previous = -1;
        long made = 0;
        long bits = 0; // bit buffer, least significant first
        int held = 0;
        int block = at + 1;
        int left = 0; // bytes left in the current sub-block
        int pos = block;
        while (made < pixels) {
            while (held < size) {
                if (left == 0) {
                    if (pos >= gif.length || gif[pos] == 0) {
                        return String.format(java.util.Locale.ROOT, "its picture data stops after %,d of %,d pixels", made, pixels);
                    }
                    left = gif[pos] & 0xFF;
                    pos++;
                }
                if (pos >= gif.length) {
                    return String.format(java.util.Locale.ROOT, "its picture data stops after %,d of %,d pixels", made, pixels);
                }
                bits |= (long) (gif[pos] & 0xFF) << held;
                held += 8;
                pos++;
                left--;
            }
            int code = (int) (bits & ((1 << size) - 1));
            bits >>>= size;
            held -= size;
            if (code == clear) {
                next = clear + 2;
                size = minimum + 1;
                previous = -1;
                continue;
            }
            if (code == end) {
                break;
            }
            int length;
            if (code < clear) {
                length = 1;
            } else if (previous >= 0 && code < next) {
                length = lengths[code];
            } else if (previous >= 0 && code == next) {
                length = (previous < clear ? 1 : lengths[previous]) + 1;
            } else {
                return "an LZW code (" + code + ") that no table holds: the picture data is damaged";
            }
            made += length;
            if (previous >= 0 && next < 4096) {
                lengths[next] = (previous < clear ? 1 : lengths[previous]) + 1;
                next++;
                if (next == 1 << size && size < 12) {
                    size++;
                }
            }
            previous = code;
        }
        return made < pixels
                ? String.format(java.util.Locale.ROOT, "its picture data stops after %,d of %,d pixels", made, pixels)
                : null;
    }
}
