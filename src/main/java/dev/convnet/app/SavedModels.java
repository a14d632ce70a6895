package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.run.RunState;
import dev.convnet.runtime.NativeRuntime;
import java.nio.file.Path;
import java.util.Optional;

/** Opens saved models for every command and the server: run record first (cheap), then the network. */
public final class SavedModels {
    private final ModelStore store;

    public SavedModels(ModelStore store) {
        this.store = store;
    }

    /** The run record saved with a model, without loading the network or any native library. */
    public Optional<RunState> runRecord(Path file) {
        String text = store.readRunRecord(file);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunState.fromText(text));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": " + e.getMessage(), e);
        }
    }

    /** The dataset a model with this record was trained on. */
    public static Dataset trainedOn(Optional<RunState> record) {
        return record.map(r -> Dataset.fromId(r.dataset())).orElse(Dataset.MNIST);
    }

    /** Starts the native runtime and loads the model, checked to fit the data. */
    public LoadedModel load(Path file) {
        Optional<RunState> record = runRecord(file);
        NativeRuntime.start();
        return new LoadedModel(file, store.load(file), record, trainedOn(record));
    }

    /** The state to resume training from; a ModelFileException if the file holds none. */
    static RunState resumableState(ModelStore store, Path file) {
        return new SavedModels(store).runRecord(file).orElseThrow(() -> new ModelFileException(
                file + " holds no training state to resume (was it saved by convnet train?)"));
    }
}
