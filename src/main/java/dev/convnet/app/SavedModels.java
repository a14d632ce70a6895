package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.interop.KerasModel;
import dev.convnet.interop.KerasReader;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.run.RunState;
import dev.convnet.platform.NativeRuntime;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * Opens saved models for every command and the server: run record first (cheap), then the network.
 * A Keras file ({@code .keras}, {@code .h5}) opens like a convnet model: it is imported on the fly
 * into the graph convnet builds itself, with the run record an import would give it.
 */
public final class SavedModels {
    private final ModelStore store;
    private final KerasReader keras;

    public SavedModels(ModelStore store, KerasReader keras) {
        this.store = store;
        this.keras = keras;
    }

    public SavedModels(ModelStore store) {
        this(store, new KerasReader());
    }

    /** The run record saved with a model, without loading the network or any native library. */
    public Optional<RunState> runRecord(Path file) {
        KerasReader.refuseSavedModel(file);
        if (KerasReader.isKerasFile(file)) {
            KerasModel model = keras.read(file);
            return Optional.of(ImportSettings.defaults(model).runState(model, null));
        }
        String text = store.readRunRecord(file);
        if (text == null) {
            return Optional.empty();
        }
        RunState state;
        try {
            state = RunState.fromText(text);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": " + e.getMessage(), e);
        }
        try {
            Dataset.fromId(state.data().dataset()); // whoever reads the record next asks which dataset it names
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": its run record names the dataset '" + state.data().dataset()
                    + "', which is none convnet trains on (mnist, fashion-mnist); the record is damaged or was altered", e);
        }
        return Optional.of(state);
    }

    /** The dataset a model with this record was trained on. */
    public static Dataset trainedOn(Optional<RunState> record) {
        return record.map(r -> Dataset.fromId(r.data().dataset())).orElse(Dataset.MNIST);
    }

    /**
     * Why a model cannot answer with {@code asked}'s class names: its run record says it was trained
     * on {@code trained} (predict, activations and serve refuse it in these words).
     */
    public static String trainedOnAnother(Path file, String trained, Dataset asked) {
        return dev.convnet.report.Printable.path(file) + " was trained on " + trained + " (its run record says so); --dataset "
                + asked.id() + " would label its answers with another dataset's classes: leave --dataset out";
    }

    /** Starts the native runtime and loads the model, checked to fit the data. */
    public LoadedModel load(Path file) {
        KerasReader.refuseSavedModel(file);
        if (KerasReader.isKerasFile(file)) {
            KerasModel model = keras.read(file);
            Optional<RunState> record = Optional.of(ImportSettings.defaults(model).runState(model, null));
            NativeRuntime.start();
            ComputationGraph graph = model.toGraph();
            FiniteOutputs.check(file, graph);
            return new LoadedModel(file, graph, record, Dataset.MNIST);
        }
        Optional<RunState> record = runRecord(file);
        NativeRuntime.start();
        ComputationGraph graph = store.load(file);
        FiniteOutputs.check(file, graph);
        return new LoadedModel(file, graph, record, trainedOn(record));
    }

    /** The network's configuration, for summary; a Keras file needs no native library for it. */
    public ComputationGraphConfiguration configuration(Path file) {
        return KerasReader.isKerasFile(file) ? keras.read(file).configuration() : store.load(file).getConfiguration();
    }

    /** The state to resume training from; a ModelFileException if the file holds none. */
    static RunState resumableState(ModelStore store, Path file) {
        return new SavedModels(store).runRecord(file).orElseThrow(() -> new ModelFileException(
                file + " holds no training state to resume (was it saved by convnet train?)"));
    }
}
