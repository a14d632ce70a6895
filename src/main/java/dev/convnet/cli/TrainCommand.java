package dev.convnet.cli;

import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.report.EvaluationReport;
import dev.convnet.report.ProgressBar;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.Engine;
import dev.convnet.train.History;
import dev.convnet.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code convnet train}: fit the network, evaluate it on the test set, save it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the convnet on MNIST, evaluate it on the test set and save it.")
public final class TrainCommand implements Callable<Integer> {
    static final int MAX_EPOCHS = 10_000;
    static final double MAX_LEARNING_RATE = 100;

    @Spec
    CommandSpec spec;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Images per training step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001", description = "RMSprop learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for weights and shuffling; the same seed repeats a run (default: random).")
    Long seed;

    @Mixin
    DataOptions dataOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to save the model (default: models/model.zip).")
    Path output;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (oneDNN where the network allows), onednn or dl4j (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Train on the first N training images only; 0 means all.")
    int limit;

    @Override
    public Integer call() {
        validate();
        Path target = output != null ? output : Locations.defaultModel();
        ModelStore store = new ModelStore();
        try {
            store.checkWritable(target);
        } catch (ModelFileException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MnistLoader loader = dataOptions.loader();
        PrintWriter out = spec.commandLine().getOut();
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);

        NativeRuntime.start();
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(learningRate, runSeed));
        out.print(SummaryCommand.table(graph.getConfiguration()));
        LabeledImages train = loader.load(Split.TRAIN, limit);
        LabeledImages test = loader.load(Split.TEST, 0);

        ProgressBar progress = new ProgressBar(out, System.console() != null);
        History history;
        try (Trainer trainer = new Trainer(graph, batch, runSeed, progress, engine)) {
            out.printf(Locale.ROOT, "Training on %,d images, batch %d, lr %s, seed %d (engine %s; %s)%n",
                    train.size(), batch, learningRate, runSeed, trainer.engine(), NativeRuntime.describe());
            out.flush();
            history = trainer.fit(train, epochs);
        }
        EvaluationResult result = new Evaluator(Evaluator.DEFAULT_BATCH, engine).evaluate(graph, test);
        out.print(EvaluationReport.headline(result));

        store.save(graph, target);
        Path historyFile = historyFileFor(target);
        store.saveText(history.toCsv(), historyFile);
        out.printf("Saved model to %s, history to %s%n", Locations.display(target), Locations.display(historyFile));
        out.flush();
        return 0;
    }

    /** {@code models/model.zip} gets {@code models/model.history.csv}. */
    static Path historyFileFor(Path model) {
        String name = model.getFileName().toString();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return model.resolveSibling(base + ".history.csv");
    }

    private void validate() {
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw usage("--epochs must be between 1 and " + MAX_EPOCHS + ", got " + epochs);
        }
        if (batch < 1 || batch > 60_000) {
            throw usage("--batch must be between 1 and 60000, got " + batch);
        }
        if (!(learningRate > 0) || learningRate > MAX_LEARNING_RATE) {
            throw usage("--lr must be greater than 0 and at most " + MAX_LEARNING_RATE + ", got " + learningRate);
        }
        if (limit < 0) {
            throw usage("--limit must be 0 (all images) or positive, got " + limit);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
