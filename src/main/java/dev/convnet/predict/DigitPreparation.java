package dev.convnet.predict;

import dev.convnet.data.DecodedImage;
import dev.convnet.data.ImageDecoder;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The one way a picture becomes a model input, wherever it enters (predict, serve, the draw page,
 * evaluate --images): decode ({@link ImageDecoder}: bounded by bytes, pixels and work; raw samples)
 * → grey and alpha at a working size of at most 512 px ({@link RawSamples}) → EXIF orientation
 * ({@link Orientation}) → transparency ({@link Transparency}) → local paper estimate
 * ({@link PaperLight}) → ink or nothing ({@link InkSeparation}) → crop ({@link DigitCrop}) → stroke
 * width ({@link StrokeWidth}) → MNIST's 20x20 fit and centre of mass in 28x28 ({@link MnistFrame}).
 *
 * <p>Thread-safe: stateless apart from the decoder's limits and permits.
 */
public final class DigitPreparation {
    private final ImageDecoder decoder;

    /** With the default limits ({@link ImageDecoder#DEFAULT_MAX_PIXELS}, {@link ImageDecoder#DEFAULT_MAX_BYTES}). */
    public DigitPreparation() {
        this(new ImageDecoder());
    }

    public DigitPreparation(ImageDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * A picture file.
     *
     * @throws dev.convnet.data.ImageFormatException when it cannot be read (the message says why, not which file)
     */
    public PreparedDigit prepare(Path file) {
        return prepare(decoder.decode(file));
    }

    /**
     * A picture's bytes (PNG, JPEG, GIF or BMP).
     *
     * @throws dev.convnet.data.ImageFormatException when they are not a picture within the limits
     */
    public PreparedDigit prepare(byte[] bytes) {
        return prepare(decoder.decode(bytes));
    }

    /** A decoded picture, turned upright as its EXIF orientation says. */
    public PreparedDigit prepare(DecodedImage decoded) {
        return prepare(decoded.image(), decoded.orientation());
    }

    /** A picture already upright (drawn, or generated), e.g. by training augmentation or tests. */
    public PreparedDigit prepare(BufferedImage image) {
        return prepare(image, 1);
    }

    private static PreparedDigit prepare(BufferedImage image, int orientation) {
        RawSamples samples = RawSamples.of(image);
        Plane grey = Orientation.upright(samples.grey, orientation);
        Plane alpha = Orientation.upright(samples.alpha, orientation);
        RawSamples upright = samples.uprightAs(grey, alpha);
        Plane contrast = Transparency.canvasInk(upright);
        if (contrast == null) {
            contrast = PaperLight.inkContrast(upright.grey);
        }
        Plane ink = InkSeparation.separate(contrast);
        if (ink == null) {
            return PreparedDigit.none("the picture is blank or nearly so; draw or photograph a digit");
        }
        Plane digit = DigitCrop.crop(ink);
        if (digit == null) {
            return PreparedDigit.none("the picture is blank or nearly so; draw or photograph a digit");
        }
        return PreparedDigit.of(MnistFrame.frame(StrokeWidth.normalise(StrokeWidth.fit(digit))));
    }
}
