package dev.convnet.engine;

/**
 * What one training step measured on its batch, before the update: the summed cross-entropy and
 * how many images the network classified correctly.
 */
public record StepResult(double lossSum, int correct) {
}
