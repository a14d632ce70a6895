package dev.convnet.cli;

import dev.convnet.app.OutputPaths;
import dev.convnet.app.SavedModels;
import dev.convnet.app.TensorBoardLogging;
import dev.convnet.live.LiveServer;
import dev.convnet.app.TrainingListener;
import dev.convnet.app.TrainingOutcome;
import dev.convnet.app.TrainingPlan;
import dev.convnet.engine.Precision;
import dev.convnet.app.TrainingSession;
import dev.convnet.app.TrainingSettings;
import dev.convnet.data.Dataset;
import dev.convnet.data.augment.Augmentation;
import dev.convnet.model.Architecture;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.model.Optimizer;
import dev.convnet.report.EvaluationReport;
import dev.convnet.report.Json;
import dev.convnet.report.Printable;
import dev.convnet.run.ProgressListener;
import dev.convnet.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code convnet train}: options in, a {@link TrainingPlan} to a {@link TrainingSession}, its
 * outcome out as text or JSON. Ctrl-C and SIGTERM ask the session to stop between two steps.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the convnet on MNIST, evaluate it on the test set and save it.")
public final class TrainCommand implements Callable<Integer> {
    /**
     * {@link Augmentation#DEFAULTS_TEXT} with a space after each comma, so that the help wraps
     * between settings rather than inside a number ({@code translation=0.} / {@code 08}); an
     * annotation needs a constant (HelpTextTest checks the two agree).
     */
    static final String AUGMENT_DEFAULTS_HELP = "rotation=0.03, zoom=0.12, shear=0.3, translation=0.08, stroke=1.5, blur=1, elastic=0";

    /** Settings a resumed run takes from its checkpoint. */
    private static final List<String> FIXED_ON_RESUME = List.of("--batch", "--lr", "--seed", "--limit", "--optimizer",
            "--dataset", "--validation-split", "--early-stopping", "--augment", "--ema", "--ema-momentum");
    /** The fine-tune settings {@code convnet import} takes (see ImportCommand). */
    private static final List<String> SET_AT_IMPORT = List.of("--batch", "--lr", "--seed", "--limit", "--dataset");

    /** Keras' default {@code ema_momentum}. */
    static final double DEFAULT_EMA_MOMENTUM = 0.99;

    /** What this run's save replaces, e.g. "It replaced the earlier model (test accuracy 0.991, saved ...)"; null if nothing. */
    private String replacing;

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
    Optimizer optimizer;

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

    @Option(names = "--augment", paramLabel = "K=V,...", arity = "0..1", fallbackValue = "default",
            description = "Change each training image at random, on a thread of its own, as Keras' preprocessing layers: "
                    + "rotation (fraction of 2π), zoom, shear (slant, px per px), translation (fractions), stroke (px, thicken/thin), blur (sigma, px), "
                    + "elastic (Simard's alpha; elastic-sigma). Alone: " + AUGMENT_DEFAULTS_HELP
                    + "; each key given overrides its default, e.g. --augment zoom=0.1,stroke=1 (no spaces). Seeded by --seed.")
    String augment;

    @Option(names = "--ema", negatable = true,
            description = "Save the moving average of the weights over the steps, as Keras' use_ema: steadier and usually "
                    + "more accurate than the last step's weights. On by default with --augment (--no-ema: off).")
    Boolean ema;

    @Option(names = "--ema-momentum", paramLabel = "M",
            description = "The average's momentum, Keras' ema_momentum (default: 0.99); implies --ema.")
    Double emaMomentum;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for weights and shuffling; the same seed repeats a run (default: random).")
    Long seed;

    @Mixin
    DataOptions dataOptions;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to save the model (default: models/model.zip "
            + "in convnet's folder, or for --resume of a checkpoint X.checkpoint.zip, X.zip beside it).")
    Path output;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Train on the first N training images only; 0 means all.")
    int limit;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue a run from its checkpoint (or a saved model) with its seed, batch, rate and limit.")
    Path resume;

    @Option(names = "--json", description = "Print one JSON document (history, test metrics, run record) and nothing else.")
    boolean json;

    @Mixin
    EngineOption engineOption;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, or bf16 (CPUs with AVX512_BF16, oneDNN engine): faster, same accuracy (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--tensorboard", paramLabel = "DIR",
            description = "Also write TensorBoard event files to DIR/<model>-<start time>/ (train/, validation/), "
                    + "under Keras' names: view with tensorboard --logdir DIR.")
    Path tensorboard;

    @Option(names = "--tensorboard-every", paramLabel = "N", defaultValue = "" + TensorBoardLogging.DEFAULT_EVERY,
            description = "Steps between two batch_loss / batch_accuracy points in TensorBoard (default: ${DEFAULT-VALUE}).")
    int tensorboardEvery;

    @Option(names = "--live", description = "Show the run on a page at http://127.0.0.1:PORT/ while it trains "
            + "(curves, confusion matrix, misread digits, a Stop button); it stays after training until Ctrl-C or its Close "
            + "button, either of which then exits 0.")
    boolean live;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8090",
            description = "The live page's port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Override
    public Integer call() {
        if (output != null) {
            OutputFile.namedAsModelZip(spec, output);
        }
        // a checkpoint resumed without -o saves beside itself, where the interrupted run would have
        Path model = output != null ? output
                : resume != null ? OutputPaths.modelOfCheckpoint(resume).orElse(Locations.defaultModel())
                : Locations.defaultModel();
        OutputPaths outputs = OutputPaths.forModel(model);
        replacing = resume != null && Files.isRegularFile(resume) && isSameFile(resume, model) ? null : ReplacedModel.before(model);
        checkPrecision();
        TrainingPlan plan = resume != null ? resumedPlan(outputs) : freshPlan(outputs);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelStore store = new ModelStore();
        requireWith("--port", live, "--live");
        requireWith("--tensorboard-every", tensorboard != null, "--tensorboard");
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(json ? TrainingListener.of(ProgressListener.SILENT) : new ConsoleTraining(out, Terminal.detect()));
        AtomicReference<TrainingSession> current = new AtomicReference<>();
        AtomicBoolean stoppedFromPage = new AtomicBoolean();
        try (TensorBoardLogging board = tensorboard == null ? null : tensorBoard();
             LiveServer page = live ? livePage(outputs, () -> {
                 stoppedFromPage.set(true);
                 TrainingSession session = current.get();
                 if (session != null) { // before the session exists, the check after it is made stops it
                     session.requestStop();
                 }
             }) : null) {
            if (board != null) {
                listeners.add(board);
            }
            if (page != null) {
                listeners.add(page.listener());
                (json ? err : out).println("Live page: " + page.url() + " (Stop there does what Ctrl-C does)");
                (json ? err : out).flush();
            }
            TrainingSession session = new TrainingSession(store, TrainingListener.all(listeners));
            current.set(session);
            if (stoppedFromPage.get()) {
                session.requestStop();
            }
            Ending ending = train(session, store, plan, out, err, stoppedFromPage);
            if (board != null) {
                board.close();
                board.problem().ifPresent(problem -> err.println("convnet train: TensorBoard logging stopped early: " + problem));
                board.runDir().ifPresent(dir -> (json ? err : out).println("TensorBoard: tensorboard --logdir "
                        + Locations.display(tensorboard) + " (this run: " + Locations.display(dir) + ")"));
            }
            if (page != null) {
                page.listener().ended(ending.outcome(), ending.message());
                if (ending.outcome().equals("completed")) { // the page stays for a look at the finished run
                    page.trainingEnded();
                    // The run succeeded and is saved: Ctrl-C or SIGTERM now only closes the page, and the
                    // exit stays 0 so that `train --live && next-step` goes on (the JVM's default gave 130/143).
                    // The handler is in place before the line that invites the signal is printed.
                    try (StopOnSignal signals = StopOnSignal.whileServing(page::release, err)) {
                        (json ? err : out).println("The live page stays at " + page.url() + " until Ctrl-C (or Close on the page).");
                        (json ? err : out).flush();
                        awaitClose(page);
                    }
                }
            }
            return ending.code();
        }
    }

    private void requireWith(String option, boolean given, String needed) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option) && !given) {
            throw usage(option + " needs " + needed);
        }
    }

    private static void awaitClose(LiveServer page) {
        try {
            page.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private LiveServer livePage(OutputPaths outputs, Runnable stop) {
        if (port < 0 || port > 65_535) {
            throw usage("--port must be between 0 and 65535, got " + port);
        }
        VerboseOption.quietWebServerUnless(VerboseOption.isVerbose(spec));
        try {
            return LiveServer.start(outputs.model(), port, stop);
        } catch (IllegalStateException e) {
            throw usage("--live: " + e.getMessage());
        }
    }

    private TensorBoardLogging tensorBoard() {
        if (tensorboardEvery < 1) {
            throw usage("--tensorboard-every must be at least 1, got " + tensorboardEvery);
        }
        try {
            Files.createDirectories(tensorboard);
        } catch (IOException | RuntimeException e) {
            throw usage("--tensorboard " + tensorboard + ": cannot make that folder (" + e.getMessage()
                    + "); name a folder you can write to");
        }
        if (!Files.isDirectory(tensorboard) || !Files.isWritable(tensorboard)) {
            throw usage("--tensorboard " + tensorboard + " is not a folder you can write to; name another");
        }
        return new TensorBoardLogging(tensorboard, tensorboardEvery);
    }

    /** How a run ended: the exit code, a word for the live page and the line the console printed. */
    private record Ending(int code, String outcome, String message) {
    }

    private Ending train(TrainingSession session, ModelStore store, TrainingPlan plan, PrintWriter out, PrintWriter err,
                         AtomicBoolean stoppedFromPage) {
        TrainingOutcome outcome;
        // Open for the whole run, not only the epochs: a signal during the final evaluation or save is
        // answered too, and a second one removes any half-written file before saying what is on disk.
        try (StopOnSignal signals = StopOnSignal.duringTraining(session::requestStop, err, () -> {
            store.abandonWrites(1_000); // a file being renamed into place completes; a half-written one goes
            return session.onDisk(Locations::display);
        })) {
            try {
                outcome = session.run(plan);
            } catch (ModelFileException e) {
                if (!session.checkpointOnly()) {
                    throw e;
                }
                // a full disk at epoch 2's checkpoint: epoch 1's is still whole, and the line says how to go on
                throw new ModelFileException(e.getMessage() + "; " + session.onDisk(Locations::display) + " once there is room", e);
            }
            // the page's Stop is a clean, asked-for end: exit 0 when something is saved (1 when not, so that
            // `train --live && next-step` does not go on without a model); a signal gets the shell's code
            int stopCode = stoppedFromPage.get() && !signals.received() ? (session.savedAnything() ? 0 : 1) : signals.exitCode();
            String message = null;
            if (outcome instanceof TrainingOutcome.Interrupted stopped) {
                message = String.format(Locale.ROOT, "Interrupted in epoch %d after step %d. ", stopped.epoch(), stopped.step())
                        + sentence(session.onDisk(Locations::display));
            } else if (outcome instanceof TrainingOutcome.StoppedBeforeSave) {
                message = "Stopped before the final evaluation and save. "
                        + sentence(session.onDisk(Locations::display)).replace("; resume with:", "; finish the run with:");
            }
            if (message != null) {
                out.flush();
                err.println(message);
                return new Ending(stopCode, "stopped", message);
            }
            if (outcome instanceof TrainingOutcome.Completed done && (signals.received() || stoppedFromPage.get())) {
                print(done, out, err); // the save was not cut short
                message = "Stopped as asked, once the final save was complete: " + endSentence(session.onDisk(Locations::display));
                err.println(message);
                return new Ending(stopCode, "stopped", message);
            }
            if (outcome instanceof TrainingOutcome.Diverged diverged) {
                throw new TrainingDivergedException(diverged.reason() + "; " + session.onDisk(Locations::display));
            }
        }
        TrainingOutcome.Completed done = (TrainingOutcome.Completed) outcome;
        print(done, out, err);
        return new Ending(0, "completed", String.format(Locale.ROOT, "Finished: test accuracy %.4f; saved %s.",
                done.test().accuracy(), Locations.display(done.outputs().model())));
    }

    private static String sentence(String phrase) {
        return Character.toUpperCase(phrase.charAt(0)) + endSentence(phrase.substring(1));
    }

    /**
     * {@code phrase} with its full stop, unless it ends with a command to copy ("resume with:
     * convnet train --resume m.checkpoint.zip"), which a full stop would break when copied with it.
     */
    static String endSentence(String phrase) {
        return phrase.matches("(?s).*: convnet \\S+ --resume \\S+") ? phrase : phrase + ".";
    }

    private void checkPrecision() {
        if (precision.unavailableReason() != null) {
            throw usage(precision.unavailableReason());
        }
        if (precision != Precision.FP32 && engineOption.engine == dev.convnet.engine.Engine.DL4J) {
            throw usage("--precision " + precision.id() + " needs the oneDNN engine: use --engine auto or onednn");
        }
        String slower = precision.slowerHereReason();
        if (slower != null) {
            spec.commandLine().getErr().println("convnet train: " + slower);
            precision = Precision.FP32;
        }
    }

    private TrainingPlan freshPlan(OutputPaths outputs) {
        Architecture arch = architectureOptions.architecture();
        TrainingSettings settings = new TrainingSettings(arch, optimizer, epochs,
                batch != null ? batch : TrainingSettings.defaultBatch(arch),
                learningRate != null ? learningRate : optimizer.defaultLearningRate(),
                seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000),
                dataOptions.dataset(Dataset.MNIST), limit, validationSplit, patience, augmentation(), emaMomentum());
        OutputFile.Found checkpoint = checkWritable(outputs); // after the settings, so that a bad value is the error seen first
        if (checkpoint == OutputFile.Found.OF_ITS_KIND) { // an empty file there is no interrupted run
            // a fresh run would overwrite it at its first epoch and delete it at its end: the interrupted run is lost
            throw usage(Printable.path(outputs.checkpoint()) + " holds an interrupted run that would be lost: resume it with "
                    + "'convnet train --resume " + Printable.path(outputs.checkpoint()) + "', delete it to start afresh, "
                    + "or choose another -o");
        }
        String command = RecordedCommand.of(spec);
        return new TrainingPlan.Fresh(settings, command, dataOptions::loader, engineOption.engine, precision, outputs);
    }

    /** The weights' moving average: {@code --ema-momentum}, else Keras' 0.99 with {@code --ema} or an {@code --augment} that changes images, else 0 (none). */
    private double emaMomentum() {
        if (emaMomentum != null) {
            if (!(emaMomentum > 0 && emaMomentum < 1)) {
                throw usage("--ema-momentum must be above 0 and below 1 (Keras' default: 0.99), got " + emaMomentum
                        + "; --no-ema saves the last step's weights");
            }
            if (Boolean.FALSE.equals(ema)) {
                throw usage("--ema-momentum averages the weights, --no-ema does not: give one of them");
            }
            return emaMomentum;
        }
        boolean averaged = ema != null ? ema : !augmentation().isNone(); // --augment none is no augmentation, so no EMA
        return averaged ? DEFAULT_EMA_MOMENTUM : 0;
    }

    /** {@code --augment}'s value, or none without the option. */
    private Augmentation augmentation() {
        if (augment == null) {
            return Augmentation.NONE;
        }
        try {
            return Augmentation.parse(augment);
        } catch (IllegalArgumentException e) {
            throw usage("--augment " + e.getMessage());
        }
    }

    /** The option as the command line spelled it: {@code --no-ema} for the negated {@code --ema}. */
    private String asTyped(String option) {
        String negated = "--no-" + option.substring(2);
        return spec.commandLine().getParseResult().originalArgs().stream()
                .filter(arg -> arg.equals(negated) || arg.startsWith(negated + "="))
                .findFirst().map(arg -> negated).orElse(option);
    }

    /** Whether {@code file} is a Keras file, or a model 'convnet import' wrote and nothing has trained since. */
    private static boolean imported(Path file) {
        if (dev.convnet.interop.KerasReader.isKerasFile(file)) {
            return true;
        }
        try {
            return new dev.convnet.app.SavedModels(new ModelStore()).runRecord(file)
                    .map(r -> r.epochsDone() == 0 && String.valueOf(r.provenance().command()).startsWith("convnet import"))
                    .orElse(false);
        } catch (RuntimeException e) {
            return false; // an unreadable record is reported where the checkpoint is read
        }
    }

    /** What --resume names, as its user thinks of it: a checkpoint (a run not finished), or a saved model. */
    private String resumedKind() {
        try {
            return new dev.convnet.app.SavedModels(new ModelStore()).runRecord(resume)
                    .map(r -> r.provenance().outcome().finished() == null ? "checkpoint" : "model").orElse("model");
        } catch (RuntimeException e) {
            return "model"; // an unreadable record is reported where the checkpoint is read
        }
    }

    private TrainingPlan resumedPlan(OutputPaths outputs) {
        String problem = dev.convnet.data.FileErrors.unreadable("checkpoint " + resume, resume, "a checkpoint or model .zip");
        if (problem != null) {
            throw usage(problem);
        }
        for (String option : FIXED_ON_RESUME) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                if (SET_AT_IMPORT.contains(option) && imported(resume)) {
                    // an imported model is no checkpoint to its user: say where the fine-tune's settings come from
                    throw usage(option + " of a fine-tune is set when importing: convnet import KERAS_FILE " + option
                            + " VALUE -o MODEL.zip, then convnet train --resume MODEL.zip");
                }
                throw usage(asTyped(option) + " cannot be given when resuming: the " + resumedKind() + "'s value is used");
            }
        }
        architectureOptions.given().stream().findFirst().ifPresent(option -> {
            throw usage(option + " cannot change when resuming: the " + resumedKind() + "'s network is used");
        });
        checkWritable(outputs);
        boolean epochsGiven = spec.commandLine().getParseResult().hasMatchedOption("--epochs");
        return new TrainingPlan.Resumed(resume, epochsGiven ? epochs : 0, dataOptions::loader, engineOption.engine, precision, outputs);
    }

    /**
     * Every file the run writes can be written under the name it writes it with (a 245-character -o
     * once failed after an epoch), and none is a file of another kind that would be lost; returns
     * what is at the checkpoint's path.
     */
    private OutputFile.Found checkWritable(OutputPaths outputs) {
        try {
            for (Path file : outputs.all()) {
                new ModelStore().checkWritable(file);
            }
        } catch (ModelFileException e) {
            throw usage(e.getMessage());
        }
        OutputFile.notAnotherKindOfFile(spec, outputs.model());
        OutputFile.notAnotherKindOfHistory(spec, outputs.historyCsv(), outputs.historyChart());
        return OutputFile.notAnotherKindOfCheckpoint(spec, outputs.checkpoint());
    }

    private void print(TrainingOutcome.Completed done, PrintWriter out, PrintWriter err) {
        done.chartProblem().ifPresent(problem ->
                err.println("convnet train: could not draw " + done.outputs().historyChart() + " (" + problem + ")"));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", done.outputs().model().toString());
            doc.put("test", Json.object("loss", done.test().loss(), "accuracy", done.test().accuracy())); // as Keras' evaluate
            doc.put("history", Json.history(done.state().history()));
            doc.put("run", Json.run(done.state()));
            out.println(Json.write(doc));
        } else {
            out.print(EvaluationReport.headline(done.test()));
            if (precision == Precision.BF16) { // evaluate's float32 may differ in the last digit: say why
                out.println("(tested in bf16, as trained; 'convnet evaluate' tests in float32 unless given --precision bf16)");
            }
            out.printf("Saved model to %s, history to %s and %s%n", Locations.display(done.outputs().model()),
                    Locations.display(done.outputs().historyCsv()), Locations.display(done.outputs().historyChart()));
            if (replacing != null) { // train saves over its output, as Keras' model.save does: say what went
                out.println(replacing);
            }
        }
        out.flush();
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
