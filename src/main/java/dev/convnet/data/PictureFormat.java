package dev.convnet.data;

/**
 * The picture formats convnet reads, recognised by their leading bytes (never by file name):
 * PNG, JPEG (baseline, progressive, CMYK), GIF and BMP. Everything else, TIFF included, is refused
 * before any decoder sees it, with a line that names what the bytes look like.
 */
public enum PictureFormat {
    PNG("png"), JPEG("jpeg"), GIF("gif"), BMP("bmp");

    /** What a refusal tells the user to send instead. */
    public static final String SUPPORTED = "PNG, JPEG, GIF or BMP";

    private final String imageIoName;

    PictureFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The format name ImageIO's readers use. */
    String imageIoName() {
        return imageIoName;
    }

    /**
     * The format of {@code head} (the file's first bytes, 12 are enough).
     *
     * @throws ImageFormatException naming the format found (e.g. TIFF, WebP) when it is not one of ours
     */
    public static PictureFormat sniff(byte[] head) {
        if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(head, 'G', 'I', 'F', '8')) {
            return GIF;
        }
        if (startsWith(head, 'B', 'M')) {
            return BMP;
        }
        String other = otherFormat(head);
        if (other == null) {
            throw new NotAnImageException("not a " + SUPPORTED + " image");
        }
        throw new ImageFormatException("a " + other + " image, not a " + SUPPORTED + " image; convert it to PNG first");
    }

    private static String otherFormat(byte[] head) {
        if (startsWith(head, 'I', 'I', 0x2A, 0x00) || startsWith(head, 'M', 'M', 0x00, 0x2A)
                || startsWith(head, 'I', 'I', 0x2B, 0x00) || startsWith(head, 'M', 'M', 0x00, 0x2B)) {
            return "TIFF";
        }
        if (startsWith(head, 'R', 'I', 'F', 'F') && head.length >= 12 && head[8] == 'W' && head[9] == 'E'
                && head[10] == 'B' && head[11] == 'P') {
            return "WebP";
        }
        if (head.length >= 12 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
            return "HEIC/AVIF";
        }
        if (startsWith(head, 0x00, 0x00, 0x00, 0x0C, 'j', 'P')) {
            return "JPEG 2000";
        }
        if (startsWith(head, '<', '?', 'x', 'm', 'l') || startsWith(head, '<', 's', 'v', 'g')) {
            return "SVG";
        }
        return null;
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
