package dev.convnet.picture;

import dev.convnet.data.Dataset;
import dev.convnet.data.DecodedImage;
import dev.convnet.data.ImageDecoder;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The one way a picture becomes a model input, wherever it enters (predict, serve, the draw page,
 * evaluate --images): decode ({@link ImageDecoder}: bounded by bytes, pixels and work; raw samples)
 * → grey and alpha at a working size of at most 512 px ({@link RawSamples}) → EXIF orientation
 * ({@link Orientation}) → transparency ({@link Transparency}) → local paper estimate
 * ({@link PaperLight}) → ink or nothing ({@link InkSeparation}) → crop ({@link DigitCrop}), or nothing
 * when it is a dot or noise ({@link NoiseCheck}) → stroke
 * width ({@link StrokeWidth}) → upright ({@link Deskew}) → MNIST's 20x20 fit and centre of mass in
 * 28x28 ({@link MnistFrame}).
 *
 * <p>For a Fashion-MNIST model the pictures are garments and shoes, made as Fashion-MNIST's were
 * ({@link ObjectFit}) after the same decoding and EXIF orientation.
 *
 * <p>Thread-safe: stateless apart from the decoder's limits and permits.
 */
public final class DigitPreparation {
    private final ImageDecoder decoder;
    private final Dataset dataset;

    /** With the default limits ({@link ImageDecoder#DEFAULT_MAX_PIXELS}, {@link ImageDecoder#DEFAULT_MAX_BYTES}), for MNIST. */
    public DigitPreparation() {
        this(new ImageDecoder());
    }

    public DigitPreparation(ImageDecoder decoder) {
        this(decoder, Dataset.MNIST);
    }

    /** @param dataset what the model reads: MNIST's digits, or Fashion-MNIST's garments */
    public DigitPreparation(ImageDecoder decoder, Dataset dataset) {
        this.decoder = decoder;
        this.dataset = dataset;
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

    private PreparedDigit prepare(BufferedImage image, int orientation) {
        if (dataset == Dataset.FASHION_MNIST) {
            float[] input = ObjectFit.fit(upright(RawSamples.of(image), orientation));
            return input == null ? PreparedDigit.nothing("the picture is blank or nearly so; photograph a garment or shoe")
                    : PreparedDigit.of(input);
        }
        Plane ink = ink(upright(RawSamples.of(image), orientation));
        Plane digit = ink == null ? null : DigitCrop.crop(ink);
        if (digit == null) {
            return PreparedDigit.none("the picture is blank or nearly so; draw or photograph a digit");
        }
        if (isDot(digit)) {
            return PreparedDigit.none("one dot of ink, not a digit; draw or photograph a digit");
        }
        if (digit.width >= WIDE * digit.height) {
            return PreparedDigit.none("the ink is " + Math.round((float) digit.width / digit.height) + " times wider than tall: a line or a row"
                    + " of marks, not one digit; draw or photograph one digit, upright");
        }
        if (NoiseCheck.isNoise(digit, ink.width, ink.height)) {
            return PreparedDigit.none("the picture is specks or a texture all over (noise, grain, a grid), not a digit's strokes;"
                    + " draw or photograph a digit on plain paper");
        }
        return PreparedDigit.of(MnistFrame.frame(Deskew.upright(StrokeWidth.normalise(StrokeWidth.fit(digit)))));
    }

    /**
     * Whether the cropped ink is a dot rather than a digit: no longer than {@link #DOT_EXTENT} times its
     * stroke width (a round dot of diameter d has area πd²/4 and outline πd, so
     * {@link StrokeWidth#estimate} gives d/2 and the ratio is 2; a "1" is ten strokes long, a "0" four
     * or more across). Blown up to 20x20, a dot became a confident "9" on the draw page.
     */
    static boolean isDot(Plane digit) {
        float width = StrokeWidth.estimate(digit);
        return width > 0 && Math.max(digit.width, digit.height) <= DOT_EXTENT * width;
    }

    /**
     * Ink this many times wider than tall is no digit: a hyphen or a stroke across was a confident
     * "4", a row of digits a guess at one. The widest of 2,478 digit pictures measured (23 kinds of
     * MNIST test digits, written, grainy) is 1.33 times wider than tall; a 1 lying on its side is
     * refused (turn the picture, or let its EXIF orientation say so).
     */
    static final float WIDE = 3f;

    /** See {@link #isDot}: between a dot's 2 and the 4 or more of the roundest digit. */
    static final float DOT_EXTENT = 3f;

    /** Stage 2 on every plane. (The stages are package-private for the per-stage benchmark.) */
    static RawSamples upright(RawSamples samples, int orientation) {
        return samples.with(Orientation.upright(samples.grey, orientation),
                Orientation.upright(samples.alpha, orientation), upright(samples.colour, orientation));
    }

    /** Stages 3 to 5: the ink, on an exact 0 background, or null when there is none. */
    static Plane ink(RawSamples upright) {
        Plane canvas = Transparency.canvasInk(upright);
        return canvas != null ? InkSeparation.separate(canvas) : paperInk(upright);
    }

    /**
     * The ink of an opaque picture. A light border is paper with dark ink. A dark border is a sheet
     * of paper on a desk ({@link Sheet}: its dark ink), or a board, with light ink (chalk) or dark ink
     * ({@link InkPolarity} tells). (Light paper is not asked the
     * same: the lit middle of a vignette or the bright side of a shadow would pass for light ink.)
     */
    private static Plane paperInk(RawSamples samples) {
        Plane dark = PaperLight.inkContrast(samples, true);
        if (PaperLight.lightPaper(samples.grey)) {
            return InkSeparation.separate(dark);
        }
        RawSamples sheet = Sheet.isolate(samples); // a sheet of paper on a desk, not chalk on a board
        if (sheet != null) {
            return InkSeparation.separate(PaperLight.inkContrast(sheet, true));
        }
        Plane light = PaperLight.inkContrast(samples, false);
        InkSeparation.Split darkSplit = InkSeparation.split(dark);
        InkSeparation.Split lightSplit = InkSeparation.split(light);
        boolean darkFirst = InkPolarity.darkInk(samples, dark, darkSplit.threshold(), light, lightSplit.threshold());
        Plane ink = darkFirst ? InkSeparation.separate(dark, darkSplit) : InkSeparation.separate(light, lightSplit);
        if (ink == null) { // a faint ink the other way
            ink = darkFirst ? InkSeparation.separate(light, lightSplit) : InkSeparation.separate(dark, darkSplit);
        }
        return ink;
    }

    private static Plane[] upright(Plane[] colour, int orientation) {
        if (colour == null) {
            return null;
        }
        Plane[] out = new Plane[colour.length];
        for (int c = 0; c < colour.length; c++) {
            out[c] = Orientation.upright(colour[c], orientation);
        }
        return out;
    }
}
