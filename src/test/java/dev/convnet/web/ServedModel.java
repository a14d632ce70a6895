package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.convnet.TestData;
import dev.convnet.cli.InProcessCli;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The model the server tests serve: trained once per test JVM by the real {@code convnet train} on
 * a small real MNIST subset (a second of training), saved with its run record like any model.
 */
public final class ServedModel {
    static final int TRAIN_IMAGES = 1500;
    static final int EPOCHS = 3;
    private static Path file;

    private ServedModel() {
    }

    public static synchronized Path file() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("convnet-served-model");
                Path data = TestData.subset(dir.resolve("mnist"), TRAIN_IMAGES, 200, false);
                Path model = dir.resolve("model.zip");
                InProcessCli.Run run = InProcessCli.run("train", "--data", data.toString(), "--epochs", "" + EPOCHS, "--seed", "3",
                        "-o", model.toString());
                assertEquals(0, run.exit(), run.err());
                file = model;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    /** The first {@code n} real MNIST test images. */
    public static LabeledImages testImages(int n) {
        return new MnistLoader(TestData.mnist()).load(Split.TEST, n);
    }

    public static float[] pixels(LabeledImages images, int i) {
        float[] pixels = new float[784];
        images.pixels().get(i * 784, pixels);
        return pixels;
    }

    /** An MNIST digit as the 28x28 greyscale PNG people would send. */
    public static byte[] png(float[] pixels) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 784; i++) {
            image.getRaster().setSample(i % 28, i / 28, 0, Math.round(pixels[i] * 255));
        }
        return encode(image, "png");
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
