package dev.convnet.app;

import dev.convnet.data.ImageDecoder;
import dev.convnet.data.Dataset;
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
    // immutable: limits only
    private static final java.util.Map<Dataset, DigitPreparation> PREPARATIONS = java.util.Map.of(
            Dataset.MNIST, new DigitPreparation(new ImageDecoder(), Dataset.MNIST),
            Dataset.FASHION_MNIST, new DigitPreparation(new ImageDecoder(), Dataset.FASHION_MNIST));

    private Pictures() {
    }

    /** A picture file as input of a model of {@code dataset}, or "no digit found" ("nothing found"). */
    public static PreparedDigit prepare(Path file, Dataset dataset) throws IOException {
        try {
            return PREPARATIONS.get(dataset).prepare(file);
        } catch (ImageFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A picture's bytes as input of a model of {@code dataset}, or "no digit found" ("nothing found"). */
    public static PreparedDigit prepare(byte[] bytes, Dataset dataset) throws IOException {
        try {
            return PREPARATIONS.get(dataset).prepare(bytes);
        } catch (ImageFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
