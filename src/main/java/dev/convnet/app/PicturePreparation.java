package dev.convnet.app;

import dev.convnet.data.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How {@code evaluate --images} turns one picture file into model input: the same preparation
 * {@code predict} uses, called from this one place so that it can follow the picture pipeline
 * wherever that goes.
 */
final class PicturePreparation {
    private static final ImageDecoder DECODER = new ImageDecoder(); // immutable: limits only

    private PicturePreparation() {
    }

    /** What became of one picture. */
    sealed interface Result {
        /** The model's input, {@code [1, 28, 28]} as 784 values in [0, 1], ink bright. */
        record Input(float[] pixels) implements Result {
        }

        /** Decoded, but there is nothing to read on it (a blank page, a cleared canvas). */
        record NoDigit() implements Result {
        }

        /** Could not be decoded; {@code reason} says why, without the file's name. */
        record Unreadable(String reason) implements Result {
        }
    }

    /** @param dataset what the model reads: digits or Fashion-MNIST's garments (see {@link Pictures}) */
    static Result prepare(Path file, dev.convnet.data.Dataset dataset) {
        dev.convnet.picture.PreparedDigit prepared;
        try {
            prepared = Pictures.prepare(file, dataset);
        } catch (IOException e) {
            return new Result.Unreadable(String.valueOf(e.getMessage()));
        } catch (RuntimeException e) { // a decoder's bug on a hostile file is that file's problem, not the run's
            return new Result.Unreadable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        return prepared.found() ? new Result.Input(prepared.input()) : new Result.NoDigit();
    }

    /** The picture as a person sees it, for the report; empty when it cannot be decoded. */
    static Optional<BufferedImage> original(Path file) {
        try {
            return Optional.of(DECODER.decode(file).image()); // as stored (EXIF orientation not applied)
        } catch (RuntimeException e) { // ImageFormatException or a decoder's own bug
            return Optional.empty();
        }
    }
}
