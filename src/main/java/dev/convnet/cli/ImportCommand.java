package dev.convnet.cli;

import dev.convnet.app.KerasImport;
import dev.convnet.data.Dataset;
import dev.convnet.interop.KerasReader;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Printable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "What the model was trained on: mnist or fashion-mnist (default: mnist).")
    String dataset;

    @Option(names = "--lr", paramLabel = "RATE", description = "RMSprop's learning rate for fine-tuning with train --resume (default: 0.001).")
    Double learningRate;

    @Option(names = "--batch", paramLabel = "N", description = "Batch size for fine-tuning (default: 64; 128 for the dense model).")
    Integer batch;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the fine-tuning's shuffling (default: 1).")
    Long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Fine-tune on the first N training images only (default: 0, all).")
    Integer limit;

    @Override
    public Integer call() {
        KerasReader.refuseSavedModel(source);
        String problem = dev.convnet.data.FileErrors.unreadable("Keras model file " + source, source, "a .keras or .h5 file");
        if (problem != null) {
            throw usage(problem);
        }
        if (ModelStore.looksLikeConvnetModel(source)) {
            throw usage(Printable.path(source) + " is already a convnet model: evaluate, predict, serve and train --resume "
                    + "read it as it is; import is for Keras .keras and .h5 files");
        }
        Dataset trainedOn = null;
        if (dataset != null) {
            try {
                trainedOn = Dataset.fromId(dataset);
            } catch (IllegalArgumentException e) {
                throw usage("--dataset: " + e.getMessage());
            }
        }
        OutputFile.namedAsModelZip(spec, output);
        OutputFile.notAnInput(spec, output, source);
        OutputFile.notAnotherKindOfFile(spec, output);
        ModelStore store = new ModelStore();
        try {
            store.checkWritable(output);
        } catch (ModelFileException e) {
            throw usage(e.getMessage());
        }
        String command = RecordedCommand.of(spec);
        String replacing = ReplacedModel.before(output);
        KerasImport.Outcome outcome = new KerasImport(store, new KerasReader()).run(source, output,
                new KerasImport.ImportSettingsChoice(seed, batch, learningRate, limit, trainedOn), command);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Imported %s (%s, sha256 %s…) as %s%n", Printable.path(source),
                Printable.text(outcome.keras().source().describe()),
                outcome.keras().source().sha256().substring(0, 12), outcome.keras().architecture().describe());
        // a BatchNormalization the graph has no place for is folded: the fine-tune trains a network without it
        List<String> foldedNorms = java.util.Arrays.stream(outcome.keras().notes().getOrDefault("imported.folded", "").split(", "))
                .filter(entry -> entry.startsWith("batch_normalization")).toList();
        if (!foldedNorms.isEmpty()) {
            out.println("Folded into the weights next to them, so not trained as layers when fine-tuning: "
                    + Printable.text(String.join(", ", foldedNorms)));
        }
        out.print(SummaryCommand.table(outcome.graph().getConfiguration()));
        int images = outcome.record().data().limit();
        out.printf(Locale.ROOT, "Saved model to %s; fine-tune it (one epoch%s, batch %d, lr %s, seed %d) with: "
                        + "convnet train --resume %s -o %s%n", Locations.display(output),
                images > 0 ? String.format(Locale.ROOT, " on the first %,d images", images) : "", outcome.record().settings().batch(),
                outcome.record().settings().learningRate(), outcome.record().settings().seed(), Locations.display(output), Locations.display(output));
        if (replacing != null) {
            out.println(replacing);
        }
        out.flush();
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
