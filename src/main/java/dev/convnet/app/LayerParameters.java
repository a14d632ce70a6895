package dev.convnet.app;

/**
 * One layer's trainable parameters, copied out of the graph.
 *
 * @param layer the layer's name, Keras' for listing 8-1 ({@code conv2d}, {@code conv2d_1}, ..., {@code dense})
 * @param kernel the weights, in DL4J's order ([out, in, kh, kw] for a convolution, [in, out] for a dense layer)
 * @param bias one per output
 */
public record LayerParameters(String layer, float[] kernel, float[] bias) {

    /** {@code after - before}, element by element. */
    public static float[] difference(float[] after, float[] before) {
        float[] d = new float[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
        }
        return d;
    }
}
