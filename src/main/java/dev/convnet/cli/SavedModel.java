package dev.convnet.cli;

import dev.convnet.data.Dataset;
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
        String text = store.readRunRecord(file);
        RunState record = text == null ? null : RunState.fromText(text);
        Dataset dataset = dataOptions.dataset(record == null ? Dataset.MNIST : Dataset.fromId(record.dataset()));
        return new SavedModel(file, record, dataset);
    }
}
