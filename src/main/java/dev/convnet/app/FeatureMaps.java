package dev.convnet.app;

/**
 * What one convolution or pooling layer sees of an image.
 *
 * @param kind the Keras layer type, {@code Conv2D} or {@code MaxPooling2D}
 * @param maps one {@code height * width} map per channel, row after row
 */
public record FeatureMaps(String layer, String kind, int height, int width, float[][] maps) {
}
