package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.model.OutputLock;
import dev.convnet.report.Charts;
import dev.convnet.report.EvaluationReport;
import dev.convnet.report.Json;
import dev.convnet.report.ProgressBar;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.runtime.Pause;
import dev.convnet.train.Engine;
import dev.convnet.train.History;
import dev.convnet.train.ProgressListener;
import dev.convnet.train.RunState;
import dev.convnet.train.Trainer;
import dev.convnet.train.TrainingDivergedException;
import dev.convnet.train.TrainingInterruptedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * {@code convnet train}: fit the network, evaluate it on the test set, save it.
 *
 * <p>After every epoch the model, its optimiser state and the run's progress are written
 * atomically to a checkpoint next to the output; Ctrl-C or SIGTERM stop between two steps and
 * leave that checkpoint whole, and {@code --resume} continues from it exactly.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the convnet on MNIST, evaluate it on the test set and save it.")
public final class TrainCommand implements Callable<Integer> {
    static final int MAX_EPOCHS = 10_000;
    static final double MAX_LEARNING_RATE = 100;

    @Spec
    CommandSpec spec;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
            description = "Passes over the training set, in all (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", paramLabel = "N",
            description = "Images per training step (default: 64; 128 for --model dense, as in the book).")
    Integer batch;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "rmsprop",
            description = "rmsprop, adam or sgd, with Keras' defaults (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 0.001; 0.01 for sgd, as in Keras).")
    Double learningRate;

    @Mixin
    ArchitectureOptions architectureOptions;

    @Option(names = "--validation-split", paramLabel = "F", defaultValue = "0",
            description = "Hold out the last fraction F of the training images (before shuffling, as Keras) "
                    + "and report val_loss and val_accuracy every epoch.")
    double validationSplit;

    @Option(names = "--early-stopping", paramLabel = "PATIENCE", defaultValue = "0",
            description = "Stop when val_loss has not improved for PATIENCE epochs and keep the best weights.")
    int patience;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for weights and shuffling; the same seed repeats a run (default: random).")
    Long seed;

    @Mixin
    DataOptions dataOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to save the model (default: models/model.zip).")
    Path output;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Train on the first N training images only; 0 means all.")
    int limit;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue a run from its checkpoint (or a saved model) with its seed, batch, rate and limit.")
    Path resume;

    @Option(names = "--json", description = "Print one JSON document (history, test metrics, run record) and nothing else.")
    boolean json;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (oneDNN where the network allows), onednn or dl4j (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Override
    public Integer call() {
        validate();
        Path target = output != null ? output : Locations.defaultModel();
        ModelStore store = new ModelStore();
        try {
            // Every file the run writes, under the names it writes them with (a 245-character -o passed
            // this check and then failed after the first epoch on the longer checkpoint name).
            for (Path file : List.of(target, checkpointFileFor(target), historyFileFor(target), historyChartFor(target))) {
                store.checkWritable(file);
            }
        } catch (ModelFileException e) {
            throw usage(e.getMessage());
        }
        try (OutputLock lock = store.lock(target)) {
            return train(store, target);
        }
    }

    private Integer train(ModelStore store, Path target) {
        Path checkpoint = checkpointFileFor(target);
        PrintWriter out = spec.commandLine().getOut();
        Architecture arch = resume != null ? null : architectureOptions.architecture(); // a resumed model has its own
        RunState state = resume != null ? resumedState(store) : newState(arch);
        Dataset dataset = Dataset.fromId(state.dataset());
        MnistLoader loader = dataOptions.loader(dataset);
        if (resume != null) {
            Map<String, String> recorded = new LinkedHashMap<>();
            state.provenance().forEach((key, sum) -> {
                if (key.startsWith("sha256.")) {
                    recorded.put(key.substring("sha256.".length()), sum);
                }
            });
            loader.differenceFrom(recorded).ifPresent(difference -> {
                throw usage("--data: " + difference + "; resuming on other data would make the run record false: "
                        + "resume with the same data, or start a new run");
            });
        }

        NativeRuntime.start();
        ComputationGraph graph = resume != null ? store.load(resume)
                : ConvNetModel.create(arch, new Hyperparameters(optimizer, state.learningRate(), state.seed()));
        if (resume == null) {
            state = state.with(provenance(arch, loader));
        }
        if (!json) {
            out.print(SummaryCommand.table(graph.getConfiguration()));
        }
        LabeledImages train = loader.load(Split.TRAIN, state.limit());
        LabeledImages validation = null;
        if (state.validationSplit() > 0) {
            int keep = train.size() - (int) Math.round(train.size() * state.validationSplit());
            if (keep < 1 || keep >= train.size()) {
                throw usage("--validation-split " + state.validationSplit() + " leaves no training or no validation images");
            }
            LabeledImages[] parts = train.splitAt(keep);
            train = parts[0];
            validation = parts[1];
        }
        LabeledImages test = loader.load(Split.TEST, 0);

        ProgressListener progress = json ? ProgressListener.SILENT : new ProgressBar(out, Terminal.detect().canRedraw());
        RunState[] latest = {state};
        OnDisk onDisk = new OnDisk(checkpoint, resume, state.epochsDone());
        boolean trained = state.epochsDone() >= state.epochsTotal(); // a checkpoint stopped before its final save
        try (Trainer trainer = newTrainer(graph, state, progress);
             StopOnSignal signals = new StopOnSignal(trainer::requestStop, spec.commandLine().getErr(), () -> {
                 store.abandonWrites(1_000); // a half-written file goes; one being renamed into place completes
                 return onDisk.describe();
             })) {
            latest[0] = latest[0].with(Map.of("engine", trainer.engine()));
            text(out).printf(Locale.ROOT, "%s %,d %s images%s, batch %d, lr %s, seed %d (engine %s; %s)%n",
                    trained ? "Finishing a run whose " + state.epochsTotal() + " epochs are trained: evaluating and saving; trained on"
                            : resume != null ? "Resuming at epoch " + (state.epochsDone() + 1) + " on" : "Training on",
                    train.size(), dataset.id(), validation == null ? "" : String.format(Locale.ROOT, " (validating on %,d)", validation.size()),
                    state.batch(), state.learningRate(), state.seed(), trainer.engine(), NativeRuntime.describe());
            out.flush();
            try {
                History history = trainer.fit(train, validation, state.epochsDone() + 1, state.epochsTotal(), state.patience(),
                        record -> {
                            RunState next = latest[0].afterEpoch(record);
                            store.save(graph, checkpoint, next.toText(), () -> onDisk.checkpointed(record.epoch()));
                            latest[0] = next;
                        });
                if (history.restoredEpoch() > 0) {
                    text(out).printf(Locale.ROOT, "%s; keeping the weights of epoch %d, the lowest val_loss.%n",
                            history.isStoppedEarly() ? "Early stopping: val_loss stopped improving" : "Training finished",
                            history.restoredEpoch());
                }
            } catch (TrainingInterruptedException e) {
                out.flush();
                spec.commandLine().getErr().println(String.format(Locale.ROOT, "Interrupted in epoch %d after step %d. ",
                        e.epoch(), e.step()) + onDisk.sentence());
                return signals.exitCode();
            } catch (TrainingDivergedException e) {
                throw new TrainingDivergedException(e.getMessage() + "; " + onDisk.describe());
            }
            if (signals.received()) { // during the last checkpoint's write: it finished, the run has not
                return stoppedBeforeTheEnd(onDisk, signals, out);
            }
            Pause.at(Pause.Moment.EVALUATE, target);
            EvaluationResult result = new Evaluator(Evaluator.DEFAULT_BATCH, engine).evaluate(graph, test);
            if (signals.received()) {
                return stoppedBeforeTheEnd(onDisk, signals, out);
            }
            text(out).print(EvaluationReport.headline(result));
            saveResults(graph, latest[0], result, store, target, checkpoint, out, onDisk);
            if (signals.received()) { // the save was not cut short: everything is on disk
                spec.commandLine().getErr().println("Stopped as asked, once the final save was complete: " + onDisk.describe() + ".");
                return signals.exitCode();
            }
            return 0;
        }
    }

    /** Trained but not yet evaluated and saved: the last checkpoint finishes the run with --resume. */
    private int stoppedBeforeTheEnd(OnDisk onDisk, StopOnSignal signals, PrintWriter out) {
        out.flush();
        spec.commandLine().getErr().println("Stopped before the final evaluation and save. " + onDisk.sentence()
                .replace("; resume with:", "; finish the run with:"));
        return signals.exitCode();
    }

    /** Saves the model with its run record, the history as CSV and PNG, then prints where (or the JSON document). */
    private void saveResults(ComputationGraph graph, RunState state, EvaluationResult result, ModelStore store,
                             Path target, Path checkpoint, PrintWriter out, OnDisk onDisk) {
        RunState done = state.with(Map.of("test.loss", String.format(Locale.ROOT, "%.6f", result.loss()),
                "test.accuracy", String.format(Locale.ROOT, "%.6f", result.accuracy()),
                "finished", java.time.OffsetDateTime.now().withNano(0).toString()));
        store.save(graph, target, done.toText(), () -> onDisk.modelSaved(target));
        Path historyFile = historyFileFor(target);
        History history = new History();
        done.history().forEach(history::add);
        store.saveText(history.toCsv(), historyFile);
        Path chart = historyChartFor(target);
        try {
            Charts.history(done.history(), chart);
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("convnet train: could not draw " + chart + " (" + e.getMessage() + ")");
        }
        deleteQuietly(checkpoint); // the saved model now holds the same state
        text(out).printf("Saved model to %s, history to %s and %s%n", Locations.display(target),
                Locations.display(historyFile), Locations.display(chart));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", target.toString());
            doc.put("test", Map.of("loss", result.loss(), "accuracy", result.accuracy()));
            doc.put("history", Json.history(done.history()));
            doc.put("run", Json.run(done));
            out.println(Json.write(doc));
        }
        out.flush();
    }

    /** Where people-facing text goes: stdout, or nowhere when stdout carries JSON. */
    private PrintWriter text(PrintWriter out) {
        return json ? new PrintWriter(java.io.Writer.nullWriter()) : out;
    }

    /** Settings and environment a saved model should remember (issue: run record). */
    private Map<String, String> provenance(Architecture arch, MnistLoader loader) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("command", "convnet " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        p.put("architecture", arch.describe());
        p.put("optimizer", optimizer);
        try {
            String[] versions = new VersionProvider().getVersion();
            p.put("convnet", versions[0].replace("convnet ", ""));
            p.put("dl4j.nd4j", versions[1].substring(versions[1].indexOf(' ') + 1, versions[1].indexOf(',')));
        } catch (IOException e) {
            p.put("convnet", "unknown");
        }
        p.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        p.put("native", NativeRuntime.describe());
        loader.checksums().forEach((file, sum) -> p.put("sha256." + file, sum));
        p.put("started", java.time.OffsetDateTime.now().withNano(0).toString());
        return p;
    }

    /** {@code models/model.zip} gets {@code models/model.history.csv}. */
    static Path historyFileFor(Path model) {
        return model.resolveSibling(baseName(model) + ".history.csv");
    }

    /** {@code models/model.zip} gets {@code models/model.history.png}. */
    static Path historyChartFor(Path model) {
        return model.resolveSibling(baseName(model) + ".history.png");
    }

    /** {@code models/model.zip} gets {@code models/model.checkpoint.zip}. */
    static Path checkpointFileFor(Path model) {
        return model.resolveSibling(baseName(model) + ".checkpoint.zip");
    }

    private static String baseName(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
    }

    private RunState resumedState(ModelStore store) {
        String text = store.readRunRecord(resume);
        if (text == null) {
            throw new ModelFileException(resume + " holds no training state to resume (was it saved by convnet train?)");
        }
        RunState saved;
        try {
            saved = RunState.fromText(text);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(resume + ": " + e.getMessage());
        }
        for (String option : new String[] {"--batch", "--lr", "--seed", "--limit", "--optimizer", "--dataset",
            "--validation-split", "--early-stopping", "--model", "--filters", "--kernel", "--strides", "--padding"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw usage(option + " cannot change when resuming: the checkpoint's value is used");
            }
        }
        int total = spec.commandLine().getParseResult().hasMatchedOption("--epochs") ? epochs : saved.epochsTotal();
        boolean finished = saved.provenance().containsKey("finished");
        if (total < saved.epochsDone() || total == saved.epochsDone() && finished) {
            throw usage(resume + " has already finished " + saved.epochsDone() + " epochs; pass --epochs with a larger total");
        }
        return saved.withTotal(total);
    }

    private RunState newState(Architecture arch) {
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);
        boolean dense = arch.isDense();
        int batchSize = batch != null ? batch : dense ? 128 : 64;
        double rate = learningRate != null ? learningRate : Hyperparameters.defaultLearningRate(optimizer);
        validateNew(batchSize, rate);
        Dataset dataset = dataOptions.dataset(Dataset.MNIST);
        return new RunState(0, epochs, runSeed, batchSize, rate, limit, dataset.id(), validationSplit, patience, List.of());
    }

    private Trainer newTrainer(ComputationGraph graph, RunState state, ProgressListener progress) {
        try {
            return new Trainer(graph, state.batch(), state.seed(), progress, engine);
        } catch (IllegalArgumentException e) {
            throw usage("--engine " + engine.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale checkpoint is harmless: it only allows resuming an earlier state
        }
    }

    private void validateNew(int batchSize, double rate) {
        if (batchSize < 1 || batchSize > 60_000) {
            throw usage("--batch must be between 1 and 60000, got " + batchSize);
        }
        if (!(rate > 0) || rate > MAX_LEARNING_RATE) {
            throw usage("--lr must be greater than 0 and at most " + MAX_LEARNING_RATE + ", got " + rate);
        }
        try {
            new Hyperparameters(optimizer, rate, 0);
        } catch (IllegalArgumentException e) {
            throw usage("--optimizer: " + e.getMessage());
        }
    }

    private void validate() {
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw usage("--epochs must be between 1 and " + MAX_EPOCHS + ", got " + epochs);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw usage("--validation-split must be at least 0 and below 1, got " + validationSplit);
        }
        if (patience < 0) {
            throw usage("--early-stopping must be a positive number of epochs, got " + patience);
        }
        if (patience > 0 && validationSplit == 0 && resume == null) {
            throw usage("--early-stopping watches val_loss: add --validation-split, e.g. 0.2");
        }
        if (limit < 0) {
            throw usage("--limit must be 0 (all images) or positive, got " + limit);
        }
        if (resume != null && !Files.isRegularFile(resume)) {
            throw usage("checkpoint " + resume + " not found");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
