package dev.convnet.app;

import dev.convnet.data.ImageFormatException;
import dev.convnet.picture.DigitPreparation;
import dev.convnet.picture.PreparedDigit;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pictures (PNG, JPEG, GIF, BMP, any size, colour or grey) prepared as MNIST was made, ready for
 * {@link Predictor}, by the one pipeline every front end uses ({@link DigitPreparation}): decoding
 * bounded by bytes, pixels and work, EXIF orientation, transparency, uneven light, stroke width.
 * Failures are IOExceptions whose message says what is wrong with the picture; a picture without a
 * digit is not a failure but a {@link PreparedDigit} that says so.
 */
public final class Pictures {
    private static final DigitPreparation PREPARATION = new DigitPreparation(); // immutable: limits only

    private Pictures() {
    }

    /** A picture file as model input, or "no digit found". */
    public static PreparedDigit prepare(Path file) throws IOException {
        try {
            return PREPARATION.prepare(file);
        } catch (ImageFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** An uploaded picture as model input, or "no digit found". */
    public static PreparedDigit prepare(byte[] bytes) throws IOException {
        try {
            return PREPARATION.prepare(bytes);
        } catch (ImageFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
