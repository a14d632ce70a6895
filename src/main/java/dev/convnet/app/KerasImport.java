package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.interop.KerasModel;
import dev.convnet.interop.KerasReader;
import dev.convnet.model.ModelStore;
import dev.convnet.run.RunState;
import dev.convnet.platform.NativeRuntime;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** {@code import}: a Keras model saved as a convnet model, with a run record that {@code train --resume} continues. */
public final class KerasImport {
    private final ModelStore store;
    private final KerasReader reader;

    public KerasImport(ModelStore store, KerasReader reader) {
        this.store = store;
        this.reader = reader;
    }

    /**
     * What an import made.
     *
     * @param keras the Keras model as read
     * @param graph the convnet graph saved
     * @param record its run record
     */
    public record Outcome(KerasModel keras, ComputationGraph graph, RunState record) {
    }

    /**
     * Reads {@code source}, builds the graph and saves it atomically to {@code target}.
     *
     * @param settings how to fine-tune it later; what is not given comes from {@link ImportSettings#defaults}
     * @param command the command line, for the run record
     */
    public Outcome run(Path source, Path target, ImportSettingsChoice settings, String command) {
        store.checkWritable(target);
        KerasModel keras = reader.readForFineTuning(source); // an imported model is there to be fine-tuned
        ImportSettings chosen = settings.resolve(ImportSettings.defaults(keras));
        NativeRuntime.start();
        ComputationGraph graph = keras.toGraph(chosen.hyperparameters());
        FiniteOutputs.check(source, graph);
        RunState record = chosen.runState(keras, command);
        store.save(graph, target, record.toText());
        return new Outcome(keras, graph, record);
    }

    /** Settings a front end was given, each one optional: what is missing comes from the model's defaults. */
    public record ImportSettingsChoice(Long seed, Integer batch, Double learningRate, Integer limit, Dataset dataset) {
        ImportSettings resolve(ImportSettings defaults) {
            return new ImportSettings(seed != null ? seed : defaults.seed(), batch != null ? batch : defaults.batch(),
                    learningRate != null ? learningRate : defaults.learningRate(), limit != null ? limit : defaults.limit(),
                    dataset != null ? dataset : defaults.dataset());
        }
    }
}
