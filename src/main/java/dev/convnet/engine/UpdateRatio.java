package dev.convnet.engine;

/**
 * How far one training step moved a layer's weights, relative to the weights:
 * {@code ‖w_after − w_before‖₂ / ‖w_after‖₂} over the layer's kernel (bias excluded). Equal to
 * the ratio of the two root mean squares, which is what DL4J's training UI charts as the
 * update:parameter ratio (about 1e-3 is healthy; far above it, the learning rate is likely too
 * high, far below, too low: Stanford CS231n's notes, "Neural Networks Part 3", ratio of weights:updates).
 *
 * @param layer the layer's name, as in the graph ({@code conv2d}, ..., {@code dense} for listing 8-1)
 * @param ratio the ratio, 0 when the weights are all zero
 */
public record UpdateRatio(String layer, double ratio) {

    /** The ratio between two copies of a kernel, before and after a step (sums in double). */
    static UpdateRatio between(String layer, float[] before, float[] after) {
        double updateSquares = 0;
        double weightSquares = 0;
        for (int i = 0; i < after.length; i++) {
            double update = (double) after[i] - before[i];
            updateSquares += update * update;
            weightSquares += (double) after[i] * after[i];
        }
        return of(layer, updateSquares, weightSquares);
    }

    /** The ratio from the sums of squares of the update and of the weights after it. */
    static UpdateRatio of(String layer, double updateSquares, double weightSquares) {
        return new UpdateRatio(layer, weightSquares == 0 ? 0 : Math.sqrt(updateSquares / weightSquares));
    }
}
