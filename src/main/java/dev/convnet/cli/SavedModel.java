package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.train.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** What the commands that read a saved model share: the file check, its run record and its dataset. */
record SavedModel(Path file, RunState record, Dataset dataset) {

    /** A usage error if the file is missing; the dataset is --dataset, else the one the model was trained on. */
    static SavedModel open(CommandSpec spec, Path file, DataOptions dataOptions, ModelStore store) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "model file " + file + " not found");
        }
        RunState record = record(file, store);
        Dataset dataset = dataOptions.dataset(record == null ? Dataset.MNIST : Dataset.fromId(record.dataset()));
        return new SavedModel(file, record, dataset);
    }

    /** The model's run record, or null; a malformed one is one line naming the file and the bad value. */
    static RunState record(Path file, ModelStore store) {
        String text = store.readRunRecord(file);
        try {
            return text == null ? null : RunState.fromText(text);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": " + e.getMessage() + "; the file was altered");
        }
    }
}
