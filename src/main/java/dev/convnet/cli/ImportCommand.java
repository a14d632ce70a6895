package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.interop.ImportedRun;
import dev.convnet.interop.KerasModel;
import dev.convnet.interop.KerasReader;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.RunState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet import book.keras -o models/book.zip}: a Keras model as a convnet model, ready to fine-tune. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Turn a Keras model (.keras or .h5) of listing 8-1 or a variant into a convnet model.")
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KERAS_FILE", description = "A Keras 3 .keras file, or a legacy .h5 (Keras 2 or 3).")
    Path source;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The convnet model to write, e.g. models/book.zip.")
    Path output;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "mnist",
            description = "What the model was trained on: mnist or fashion-mnist (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--lr", paramLabel = "RATE", description = "RMSprop's learning rate for fine-tuning with train --resume (default: 0.001).")
    Double learningRate;

    @Option(names = "--batch", paramLabel = "N", description = "Batch size for fine-tuning (default: 64; 128 for the dense model).")
    Integer batch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the fine-tuning's shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Fine-tune on the first N training images only; 0 means all.")
    int limit;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(source)) {
            throw usage("Keras model file " + source + " not found");
        }
        ModelStore store = new ModelStore();
        try {
            store.checkWritable(output);
        } catch (ModelFileException e) {
            throw usage(e.getMessage());
        }
        KerasModel keras = new KerasReader().read(source);
        ImportedRun defaults = ImportedRun.defaults(keras);
        ImportedRun settings = new ImportedRun(seed, batch != null ? batch : defaults.batch(),
                learningRate != null ? learningRate : defaults.learningRate(), limit, dataset(dataset).id());
        validate(settings);
        NativeRuntime.start();
        ComputationGraph graph = keras.toGraph(settings.hyperparameters());
        RunState record = settings.runState(keras, provenance());
        store.save(graph, output, record.toText());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Imported %s (%s, sha256 %s…) as %s%n", source, keras.source().describe(),
                keras.source().sha256().substring(0, 12), keras.architecture().describe());
        out.print(SummaryCommand.table(graph.getConfiguration()));
        out.printf(Locale.ROOT, "Saved model to %s; fine-tune it (%s) with: convnet train --resume %s --epochs N -o %s%n",
                Locations.display(output), settings, Locations.display(output), Locations.display(output));
        out.flush();
        return 0;
    }

    private Map<String, String> provenance() throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("command", "convnet " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        String[] versions = new VersionProvider().getVersion();
        p.put("convnet", versions[0].replace("convnet ", ""));
        p.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        p.put("imported", OffsetDateTime.now().withNano(0).toString());
        return p;
    }

    private Dataset dataset(String id) {
        try {
            return Dataset.fromId(id);
        } catch (IllegalArgumentException e) {
            throw usage("--dataset: " + e.getMessage());
        }
    }

    private void validate(ImportedRun settings) {
        if (settings.batch() < 1 || settings.batch() > 60_000) {
            throw usage("--batch must be between 1 and 60000, got " + settings.batch());
        }
        if (!(settings.learningRate() > 0) || settings.learningRate() > TrainCommand.MAX_LEARNING_RATE) {
            throw usage("--lr must be greater than 0 and at most " + TrainCommand.MAX_LEARNING_RATE + ", got " + settings.learningRate());
        }
        if (settings.limit() < 0) {
            throw usage("--limit must be 0 (all images) or positive, got " + settings.limit());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
