package dev.convnet.app;

/** One class of a prediction: its index, its name in the dataset and the probability the model gave it. */
public record RankedClass(int index, String label, float probability) {
}
