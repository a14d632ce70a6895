package dev.convnet.engine;


import java.nio.FloatBuffer;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;

/**
 * One layer's weights and bias with their gradients and RMSprop state, all kept in the layout
 * oneDNN's primitives chose (for example OIhw16i16o), so no reorder is needed at any step and the
 * update is a plain element-wise loop. Converted to and from DL4J's plain layout only at the
 * start and end of training.
 */
final class Parameters {
    final memory weights;
    final memory bias;
    final memory weightGradient;
    final memory biasGradient;
    private final memory weightCache;
    private final memory biasCache;
    private final memory.desc plainWeights;
    private final FloatBuffer[] values;
    private final FloatBuffer[] gradients;
    private final FloatBuffer[] caches;

    Parameters(engine eng, memory.desc weightDesc, memory.desc plainWeights, memory.desc biasDesc) {
        this.plainWeights = plainWeights;
        this.weights = new memory(weightDesc, eng);
        this.weightGradient = new memory(weightDesc, eng);
        this.weightCache = new memory(weightDesc, eng);
        this.bias = new memory(biasDesc, eng);
        this.biasGradient = new memory(biasDesc, eng);
        this.biasCache = new memory(biasDesc, eng);
        values = new FloatBuffer[] {Dnnl.floats(weights), Dnnl.floats(bias)};
        gradients = new FloatBuffer[] {Dnnl.floats(weightGradient), Dnnl.floats(biasGradient)};
        caches = new FloatBuffer[] {Dnnl.floats(weightCache), Dnnl.floats(biasCache)};
    }

    memory.desc weightDesc() {
        return weights.get_desc();
    }

    /** Number of weights in plain layout (no padding). */
    int weightCount() {
        return (int) (plainWeights.get_size() / Float.BYTES);
    }

    int biasCount() {
        return (int) (bias.get_desc().get_size() / Float.BYTES);
    }

    /** Sets weights, bias and RMSprop state from plain (OIHW / OI) arrays. */
    void load(engine eng, stream s, float[] w, float[] b, float[] wCache, float[] bCache) {
        fromPlain(eng, s, w, weights);
        fromPlain(eng, s, wCache, weightCache);
        Dnnl.floats(bias).put(0, b);
        Dnnl.floats(biasCache).put(0, bCache);
    }

    float[] plainWeights(engine eng, stream s) {
        return toPlain(eng, s, weights);
    }

    float[] plainWeightCache(engine eng, stream s) {
        return toPlain(eng, s, weightCache);
    }

    float[] plainBias() {
        return copy(Dnnl.floats(bias));
    }

    float[] plainBiasCache() {
        return copy(Dnnl.floats(biasCache));
    }

    /**
     * One RMSprop step, as DL4J's (and Keras') RMSprop: {@code cache = rho*cache + (1-rho)*g²},
     * {@code w -= lr*g / (sqrt(cache) + eps)}. Padding in blocked layouts stays zero.
     */
    void rmsPropUpdate(float lr, float rho, float eps) {
        for (int t = 0; t < 2; t++) {
            FloatBuffer w = values[t];
            FloatBuffer g = gradients[t];
            FloatBuffer c = caches[t];
            for (int i = 0, n = w.capacity(); i < n; i++) {
                float gi = g.get(i);
                float ci = rho * c.get(i) + (1 - rho) * gi * gi;
                c.put(i, ci);
                w.put(i, w.get(i) - lr * gi / ((float) Math.sqrt(ci) + eps));
            }
        }
    }

    private void fromPlain(engine eng, stream s, float[] plain, memory target) {
        memory source = new memory(plainWeights, eng);
        Dnnl.floats(source).put(0, plain);
        new reorder(source, target).execute(s, source, target);
        s._wait();
    }

    private float[] toPlain(engine eng, stream s, memory source) {
        memory target = new memory(plainWeights, eng);
        new reorder(source, target).execute(s, source, target);
        s._wait();
        return copy(Dnnl.floats(target));
    }

    private static float[] copy(FloatBuffer buffer) {
        float[] out = new float[buffer.capacity()];
        buffer.get(0, out);
        return out;
    }
}
