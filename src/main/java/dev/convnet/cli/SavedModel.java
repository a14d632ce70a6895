package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.interop.ImportedRun;
import dev.convnet.interop.KerasModel;
import dev.convnet.interop.KerasReader;
import dev.convnet.model.ModelStore;
import dev.convnet.train.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What the commands that read a saved model share: the file check, its run record and its dataset.
 * A Keras file ({@code .keras}, {@code .h5}) is imported on the fly; {@code keras} is null otherwise.
 */
record SavedModel(Path file, RunState record, Dataset dataset, KerasModel keras) {

    /** A usage error if the file is missing; the dataset is --dataset, else the one the model was trained on. */
    static SavedModel open(CommandSpec spec, Path file, DataOptions dataOptions, ModelStore store) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "model file " + file + " not found");
        }
        if (KerasReader.isKerasFile(file)) {
            KerasModel keras = new KerasReader().read(file);
            Dataset dataset = dataOptions == null ? Dataset.MNIST : dataOptions.dataset(Dataset.MNIST);
            return new SavedModel(file, ImportedRun.defaults(keras).runState(keras, Map.of()), dataset, keras);
        }
        String text = store.readRunRecord(file);
        RunState record = text == null ? null : RunState.fromText(text);
        Dataset fallback = record == null ? Dataset.MNIST : Dataset.fromId(record.dataset());
        Dataset dataset = dataOptions == null ? fallback : dataOptions.dataset(fallback);
        return new SavedModel(file, record, dataset, null);
    }

    /** The network: a convnet model zip as saved, or the Keras model built as convnet builds it. Needs ND4J. */
    ComputationGraph graph(ModelStore store) {
        return keras != null ? keras.toGraph() : store.load(file);
    }

    /** The network's configuration; for a Keras file without loading any native library. */
    ComputationGraphConfiguration configuration(ModelStore store) {
        return keras != null ? keras.configuration() : store.load(file).getConfiguration();
    }
}
