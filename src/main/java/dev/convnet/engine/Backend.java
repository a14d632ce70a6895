package dev.convnet.engine;

import java.nio.FloatBuffer;

/**
 * One network on one engine: training steps and batched inference, whichever engine runs them.
 * {@link Engine#open} chooses the implementation, in one place for every command.
 *
 * <p><b>Not thread-safe.</b> A backend owns native buffers sized per batch and, for oneDNN, its
 * own copy of the weights; every call must come from the thread that opened it (oneDNN sizes each
 * thread's scratchpad when it builds a primitive, so the oneDNN backend refuses any other thread
 * with an {@link IllegalStateException} rather than crash). To share one across threads (a server),
 * open it on a single worker thread and hand that thread the requests, as {@code web}'s
 * {@code InferenceWorker} does; to run in parallel, open one backend per thread.
 */
public interface Backend extends AutoCloseable {

    /** The engine's name for people, e.g. {@code oneDNN} or {@code DL4J}. */
    String name();

    /** The images the network takes. */
    InputShape inputShape();

    /** How many classes the network tells apart: the width of {@link #infer}'s rows. */
    int classes();

    /** One optimiser step on {@code batch}; the graph itself is brought up to date only by {@link #sync()}. */
    StepResult train(Batch batch);

    /**
     * Asks the next {@link #train} step to measure each layer's {@link UpdateRatio}, read with
     * {@link #updateRatios()} after it. Costs one pass over the weights on the oneDNN engine (in
     * the loop that applies the update), a copy of the kernels on DL4J's; steps not asked cost nothing.
     */
    void measureNextUpdate();

    /**
     * The update ratios the last measured step found, one per layer with weights, in layer order;
     * empty when no step was measured yet.
     */
    java.util.List<UpdateRatio> updateRatios();

    /**
     * Class probabilities of images {@code from..to} of {@code images}, {@code [to-from][classes]}.
     *
     * @param images pixel values, image after image, {@link InputShape#pixels()} floats each (C, H, W order)
     */
    float[][] infer(FloatBuffer images, int from, int to);

    /**
     * Writes the weights and optimiser state trained so far back into the graph (the model of
     * record); with {@link #averageWeights}, the graph gets the weights' moving average and
     * {@link #trainingWeights} the weights the optimiser steps.
     */
    void sync();

    /**
     * From the next step on, keeps an exponential moving average of the trained weights (Keras'
     * {@code use_ema}): after each step {@code average = momentum * average + (1 - momentum) *
     * weight}, on a run's first step (iteration count 0) the average is the weights. Moving
     * statistics (BatchNormalization's mean and variance) are not trained and not averaged.
     *
     * @param momentum Keras' {@code ema_momentum}, in [0, 1), e.g. 0.99
     * @param trainingWeights the weights the optimiser steps, in the order of the graph's flat
     *     {@code params()} (a checkpoint's, from {@link #trainingWeights}), the graph's own weights
     *     being the average so far; null for a run that starts here
     * @throws IllegalArgumentException when {@code momentum} is out of range or
     *     {@code trainingWeights} is not one value per parameter
     */
    void averageWeights(double momentum, float[] trainingWeights);

    /**
     * With {@link #averageWeights}, the weights the optimiser steps as of the last {@link #sync}, in the
     * order of the graph's flat {@code params()}; null without averaging or before the first sync.
     */
    float[] trainingWeights();

    @Override
    void close();
}
