package dev.convnet.app;

import dev.convnet.data.LabeledImages;
import dev.convnet.engine.UpdateRatio;
import dev.convnet.eval.EvaluationResult;
import java.util.List;

/**
 * A look inside the network being trained, for listeners that chart it (TensorBoard, the live
 * page). <b>Call only on the training thread</b>, from a {@link TrainingListener} method: the
 * engine's network belongs to that thread, and no step runs while a listener does.
 */
public interface TrainingProbe {

    /**
     * Each trainable layer's current parameters (brings the graph up to date with the engine
     * first: about a copy of the 104,202 parameters for listing 8-1).
     */
    List<LayerParameters> parameters();

    /**
     * Asks the next training step to measure each layer's update relative to its weights, read
     * with {@link #updateRatios()} from the next {@code batchFinished}. Unlike two calls of
     * {@link #parameters()}, this syncs and copies nothing: the oneDNN engine sums the squares in
     * the loop that applies the update.
     */
    void measureNextUpdate();

    /** The ratios of the last measured step, one per layer with weights, in layer order; empty before any. */
    List<UpdateRatio> updateRatios();

    /** Loss, accuracy, confusion and per-image predictions of the current weights on {@code images}. */
    EvaluationResult evaluate(LabeledImages images);

    /** The test images the run will be scored on at its end. */
    LabeledImages testImages();

    /** A probe for runs whose network cannot be looked into (tests of front ends). */
    TrainingProbe NONE = new TrainingProbe() {
        @Override
        public List<LayerParameters> parameters() {
            return List.of();
        }

        @Override
        public void measureNextUpdate() {
        }

        @Override
        public List<UpdateRatio> updateRatios() {
            return List.of();
        }

        @Override
        public EvaluationResult evaluate(LabeledImages images) {
            throw new UnsupportedOperationException("no network to evaluate");
        }

        @Override
        public LabeledImages testImages() {
            throw new UnsupportedOperationException("no test images");
        }
    };
}
