package dev.convnet.app;

import dev.convnet.data.ImageDecoder;
import dev.convnet.data.ImageFormatException;
import dev.convnet.predict.MnistStyle;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pictures (PNG, JPEG, GIF, BMP, any size, colour or grey) prepared as MNIST was made, ready for
 * {@link Predictor}. Decoding is bounded ({@link ImageDecoder}: the size is read from the header
 * and a picture over the pixel limit is refused before it is decoded). Failures are IOExceptions
 * whose message says what is wrong with the picture.
 */
public final class Pictures {
    private static final ImageDecoder DECODER = new ImageDecoder(); // immutable: limits only

    private Pictures() {
    }

    /** A picture file as model input. */
    public static float[] prepare(Path file) throws IOException {
        try {
            return MnistStyle.prepare(DECODER.decode(file));
        } catch (ImageFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** An uploaded picture as model input. */
    public static float[] prepare(byte[] bytes) throws IOException {
        try {
            return MnistStyle.prepare(DECODER.decode(bytes));
        } catch (ImageFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
