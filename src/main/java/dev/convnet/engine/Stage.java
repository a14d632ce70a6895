package dev.convnet.engine;

import org.bytedeco.dnnl.memory;

/**
 * One layer's primitives and buffers for one batch size, as {@link ConvStage}, {@link PoolStage}
 * and {@link DenseStage} build them. A stage reads the previous stage's {@link #dst()} and, in
 * backprop, writes the gradient with respect to it into the previous stage's {@link #dstDiff()}
 * (none for the first layer: nothing needs the input's gradient).
 *
 * @param dst this layer's output activations
 * @param dstDiff the loss's gradient with respect to {@code dst}, filled by the next stage's backprop
 * @param forward forward primitives, in execution order
 * @param backward backprop primitives, in execution order (the plan runs the stages' backprops last layer first)
 */
record Stage(memory dst, memory dstDiff, Steps forward, Steps backward) {
}
