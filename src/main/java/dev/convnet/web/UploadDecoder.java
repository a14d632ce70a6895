package dev.convnet.web;

import dev.convnet.data.Dataset;
import dev.convnet.data.ImageDecoder;
import dev.convnet.data.ImageFormatException;
import dev.convnet.data.NotAnImageException;
import dev.convnet.picture.DigitPreparation;
import dev.convnet.picture.PreparedDigit;

/**
 * Turns request bytes into a model input through the same pipeline as the CLI
 * ({@link DigitPreparation}, decoding bounded by bytes, pixels and work by {@link ImageDecoder}),
 * and its failures into HTTP answers: over a limit 413, not a readable PNG, JPEG, GIF or BMP 400,
 * no digit in the picture 422. Large decodes take a permit, so a burst of big photos cannot hold
 * more than a few decoded pictures at once.
 */
final class UploadDecoder {
    private final DigitPreparation preparation;

    /** @param dataset what /predict's model reads: digits, or Fashion-MNIST's garments (prepared as those were made) */
    UploadDecoder(long maxPixels, long maxBytes, int concurrentLargeDecodes, Dataset dataset) {
        this.preparation = new DigitPreparation(new ImageDecoder(maxPixels, maxBytes, concurrentLargeDecodes), dataset);
    }

    /** 784 values in [0, 1]; throws {@link HttpProblem} (413, 400 or 422) otherwise. */
    float[] prepare(byte[] bytes) {
        if (bytes.length == 0) {
            throw HttpProblem.badImage("empty body: send the image's bytes (PNG, JPEG, GIF or BMP)");
        }
        PreparedDigit prepared;
        try {
            prepared = preparation.prepare(bytes);
        } catch (ImageFormatException e) {
            if (e.overLimit()) {
                throw HttpProblem.tooLarge("image too large: " + e.getMessage());
            }
            throw HttpProblem.badImage(e instanceof NotAnImageException
                    ? "not an image: the body is neither a PNG, JPEG, GIF nor BMP picture; send the picture's bytes as they are"
                    + " (curl --data-binary @digit.png)"
                    : e.getMessage());
        }
        if (!prepared.found()) {
            throw HttpProblem.unprocessable(prepared.noDigit());
        }
        return prepared.input();
    }
}
