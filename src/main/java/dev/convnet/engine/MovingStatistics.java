package dev.convnet.engine;

import java.nio.FloatBuffer;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;

/**
 * A BatchNormalization layer's moving mean and variance, {@code [channels]} float32 each, shared by
 * every plan of a network: training plans update them after each forward pass, inference plans
 * normalise with them.
 */
final class MovingStatistics {
    final memory mean;
    final memory variance;
    private final FloatBuffer meanValues;
    private final FloatBuffer varianceValues;

    MovingStatistics(engine eng, long channels) {
        memory.desc desc = Dnnl.desc(memory.format_tag.x, channels);
        this.mean = new memory(desc, eng);
        this.variance = new memory(desc, eng);
        this.meanValues = Dnnl.floats(mean);
        this.varianceValues = Dnnl.floats(variance);
    }

    int channels() {
        return meanValues.capacity();
    }

    void load(float[] movingMean, float[] movingVariance) {
        meanValues.put(0, movingMean);
        varianceValues.put(0, movingVariance);
    }

    float[] mean() {
        float[] out = new float[channels()];
        meanValues.get(0, out);
        return out;
    }

    float[] variance() {
        float[] out = new float[channels()];
        varianceValues.get(0, out);
        return out;
    }

    /**
     * Keras' update of the moving statistics from one training batch's (Keras' {@code
     * BatchNormalization._assign_moving_average}): {@code moving = moving * momentum + batch * (1 - momentum)},
     * the batch's variance being the biased one (the mean of squared deviations), as oneDNN computes it.
     */
    void update(FloatBuffer batchMean, FloatBuffer batchVariance, float momentum) {
        float rest = 1 - momentum;
        for (int c = 0; c < channels(); c++) {
            meanValues.put(c, meanValues.get(c) * momentum + batchMean.get(c) * rest);
            varianceValues.put(c, varianceValues.get(c) * momentum + batchVariance.get(c) * rest);
        }
    }
}
