package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.engine.InputShape;
import dev.convnet.run.RunState;
import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A saved model, loaded and checked.
 *
 * @param record its run record (settings, provenance, history), if it has one
 * @param trainedOn the dataset it was trained on (MNIST for models without a record)
 */
public record LoadedModel(Path file, ComputationGraph graph, Optional<RunState> record, Dataset trainedOn) {

    /** The images the network takes. */
    public InputShape inputShape() {
        return InputShape.of(graph);
    }
}
