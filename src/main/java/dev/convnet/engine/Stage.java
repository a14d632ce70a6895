package dev.convnet.engine;

import org.bytedeco.dnnl.memory;

/**
 * One layer's primitives and buffers for one batch size. A stage reads the previous stage's
 * {@link #dst()} and, in backprop, writes the gradient with respect to it into the previous stage's
 * {@link #dstDiff()} (none for the first layer: nothing needs the input's gradient).
 */
sealed interface Stage permits ConvStage, PoolStage, DenseStage {
    /** This layer's output activations. */
    memory dst();

    /** The loss's gradient with respect to {@link #dst()}, filled by the next stage's backprop. */
    memory dstDiff();

    /** Forward primitives, in execution order. */
    Steps forward();

    /** Backprop primitives, in execution order (the plan runs the stages' backprops last layer first). */
    Steps backward();
}
