package dev.convnet.app;

import dev.convnet.predict.MnistStyle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Pictures (PNG, JPEG, GIF, BMP, any size, colour or grey) prepared as MNIST was made, ready for
 * {@link Predictor}. Failures are IOExceptions whose message says what is wrong with the picture.
 */
public final class Pictures {
    private Pictures() {
    }

    /** A picture file as model input. */
    public static float[] prepare(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file");
        }
        return MnistStyle.prepare(decode(() -> ImageIO.read(file.toFile())));
    }

    /** An uploaded picture as model input. */
    public static float[] prepare(byte[] bytes) throws IOException {
        return MnistStyle.prepare(decode(() -> ImageIO.read(new ByteArrayInputStream(bytes))));
    }

    private interface Reader {
        BufferedImage read() throws IOException;
    }

    private static BufferedImage decode(Reader reader) throws IOException {
        BufferedImage picture;
        try {
            picture = reader.read();
        } catch (IOException | RuntimeException e) {
            throw new IOException("not a readable image (" + e.getMessage() + ")", e);
        }
        if (picture == null) {
            throw new IOException("not a PNG, JPEG, GIF or BMP image");
        }
        return picture;
    }
}
