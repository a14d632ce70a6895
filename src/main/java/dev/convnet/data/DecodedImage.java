package dev.convnet.data;

import java.awt.image.BufferedImage;

/**
 * A decoded picture as its file stores it: the samples as written (no colour-space or gamma
 * conversion, so a greyscale PNG keeps its grey levels) and the EXIF orientation a viewer would
 * apply, not yet applied.
 *
 * @param image the pixels, the first frame of an animation; CMYK JPEGs come as RGB, converted by
 *     the naive formula R = (1 - C)(1 - K) (no ICC profile: grey stays grey)
 * @param orientation the EXIF Orientation value, 1 (upright) to 8 (TIFF 6.0, tag 274); 1 when absent
 * @param format the format the bytes are in
 */
public record DecodedImage(BufferedImage image, int orientation, PictureFormat format) {
    public DecodedImage {
        if (orientation < 1 || orientation > 8) {
            orientation = 1; // out-of-range values are ignored, as viewers do
        }
    }
}
