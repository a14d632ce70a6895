package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.engine.Backend;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.data.augment.Augmentation;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelStore;
import dev.convnet.model.OutputLock;
import dev.convnet.report.Charts;
import dev.convnet.run.History;
import dev.convnet.run.Outcome;
import dev.convnet.run.Provenance;
import dev.convnet.run.RunData;
import dev.convnet.run.RunSettings;
import dev.convnet.run.RunState;
import dev.convnet.platform.NativeRuntime;
import dev.convnet.train.Trainer;
import dev.convnet.train.TrainingDivergedException;
import dev.convnet.train.TrainingInterruptedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Runs one training plan from start to saved model, as Tribuo's train-test helper does: open the
 * data, build or load the network, train with a checkpoint after every epoch, evaluate on the
 * test set, save the model with its run record and its history (CSV and chart), remove the
 * checkpoint. Front ends turn the plan's options in and the {@link TrainingOutcome} out.
 *
 * <p>One session runs one plan at a time; {@link #requestStop()} may be called from any thread.
 */
public final class TrainingSession {
    private final ModelStore store;
    private final TrainingListener listener;
    private volatile boolean stopRequested;
    private volatile Trainer trainer;
    private volatile OnDisk onDisk = OnDisk.NOTHING;

    public TrainingSession(ModelStore store, TrainingListener listener) {
        this.store = store;
        this.listener = listener;
    }

    /**
     * Runs {@code plan}.
     *
     * @throws InvalidSettingException when a setting does not fit the data or the checkpoint
     * @throws dev.convnet.engine.EngineUnavailableException when the plan's engine cannot run the network
     * @throws dev.convnet.model.ModelFileException when a model file cannot be read or written
     */
    public TrainingOutcome run(TrainingPlan plan) {
        OutputPaths outputs = plan.outputs();
        for (Path file : outputs.all()) {
            store.checkWritable(file);
        }
        onDisk = OnDisk.NOTHING;
        try (OutputLock lock = store.lock(outputs.model())) { // a second training to the same output is refused
            TrainingOutcome outcome = runLocked(plan, outputs);
            if (!(outcome instanceof TrainingOutcome.Completed)) { // stopped or diverged: no final model
                listener.unfinished(outcome instanceof TrainingOutcome.Diverged);
            }
            return outcome;
        }
    }

    /**
     * What is safely on disk right now, as a phrase for the line a stopped run prints (e.g. "the
     * checkpoint after epoch 2 is kept in ...; resume with: ..."); safe from any thread.
     */
    public String onDisk(Function<Path, String> display) {
        return onDisk.describe(display);
    }

    /** Whether the run's own checkpoint is what it has on disk: epochs saved, the model not yet. */
    public boolean checkpointOnly() {
        return onDisk.checkpointOnly();
    }

    /** Whether the run has saved anything of its own yet (a checkpoint or the model). */
    public boolean savedAnything() {
        return onDisk.anything();
    }

    private TrainingOutcome runLocked(TrainingPlan plan, OutputPaths outputs) {
        Start start = plan instanceof TrainingPlan.Fresh fresh ? fresh(fresh) : resumed((TrainingPlan.Resumed) plan);
        RunState state = start.state();
        OnDisk disk = new OnDisk(outputs.checkpoint(), plan instanceof TrainingPlan.Resumed r ? r.from() : null,
                state.epochsDone());
        onDisk = disk;
        LabeledImages train = start.loader().load(Split.TRAIN, state.data().limit());
        if (state.data().limit() > train.size()) { // else the record would say 70,000 of a set of 60,000
            throw new InvalidSettingException(Setting.LIMIT, String.format(java.util.Locale.ROOT,
                    "%d is more than the %,d training images there are; give at most %d, or 0 for all",
                    state.data().limit(), train.size(), train.size()));
        }
        LabeledImages validation = null;
        if (state.data().validationSplit() > 0) {
            int keep = train.size() - (int) Math.round(train.size() * state.data().validationSplit());
            if (keep < 1 || keep >= train.size()) {
                throw new InvalidSettingException(Setting.VALIDATION_SPLIT, String.format(java.util.Locale.ROOT,
                        "%s of %,d images leaves %s; give more images (--limit) or %s split",
                        state.data().validationSplit(), train.size(), keep < 1 ? "no training images" : "no validation images",
                        keep < 1 ? "a smaller" : "a larger"));
            }
            LabeledImages.Parts parts = train.splitAt(keep);
            train = parts.first();
            validation = parts.rest();
        }
        LabeledImages test = start.loader().load(Split.TEST, 0);

        ComputationGraph graph = start.graph();
        // validation and test in the precision the run trains in, as Keras evaluates under its dtype policy
        Evaluator evaluator = new Evaluator(Evaluator.DEFAULT_BATCH, plan.engine(), plan.precision());
        History history;
        Backend backend = plan.engine().open(graph, state.settings().batch(), plan.precision());
        if (state.settings().averagesWeights()) {
            backend.averageWeights(state.settings().emaMomentum(), start.trainingWeights());
        }
        float[] trainingWeights;
        try (Trainer t = new Trainer(graph, backend, evaluator, state.settings().batch(), state.settings().seed(), listener, start.augmentation())) {
            trainer = t;
            if (stopRequested) {
                t.requestStop();
            }
            state = state.with(state.provenance().withEngine(t.engine()));
            CheckpointWriter checkpoints = new CheckpointWriter(store, graph, backend::trainingWeights, outputs.checkpoint(), state, disk);
            listener.started(new TrainingStart(graph.getConfiguration(), state, start.dataset(), train.size(),
                    validation == null ? 0 : validation.size(), t.engine(), NativeRuntime.describe(),
                    new SessionProbe(graph, backend, test), outputs.model()));
            try {
                history = t.fit(train, validation, state.epochsDone() + 1, state.settings().epochs(), state.settings().patience(), checkpoints);
            } catch (TrainingInterruptedException e) {
                return new TrainingOutcome.Interrupted(e.epoch(), e.step(), checkpoints.latest(), checkpoints.kept());
            } catch (TrainingDivergedException e) {
                return new TrainingOutcome.Diverged(e.getMessage(), checkpoints.latest(), checkpoints.kept());
            }
            if (history.restoredEpoch() > 0) {
                listener.restoredBestEpoch(history.restoredEpoch(), history.isStoppedEarly());
            }
            state = checkpoints.latest();
            trainingWeights = t.trainingWeights();
            if (stopRequested) { // during the last checkpoint's write: that finished, the run has not
                return new TrainingOutcome.StoppedBeforeSave(state, checkpoints.kept());
            }
        } finally {
            trainer = null;
        }
        EvaluationResult result = evaluator.evaluate(graph, test);
        if (stopRequested) { // the checkpoint after the last epoch finishes the run with --resume
            return new TrainingOutcome.StoppedBeforeSave(state, Optional.of(outputs.checkpoint()).filter(Files::isRegularFile));
        }
        RunState done = state.with(state.provenance().finished(
                new Outcome.TestFigures(result.loss(), result.accuracy()), OffsetDateTime.now().withNano(0),
                history.restoredEpoch() == state.epochsDone() ? 0 : history.restoredEpoch()));
        Optional<String> chartProblem = save(graph, trainingWeights, done, outputs, disk);
        return new TrainingOutcome.Completed(done, history, result, outputs, chartProblem);
    }

    /** Asks the run to stop after the current step (a signal handler, a stop button); safe from any thread. */
    public void requestStop() {
        stopRequested = true;
        Trainer current = trainer;
        if (current != null) {
            current.requestStop();
        }
    }

    /**
     * The network, data and state a run begins with; {@code trainingWeights} are the optimiser's
     * weights of a resumed run that averages them (null otherwise).
     */
    private record Start(ComputationGraph graph, RunState state, Dataset dataset, MnistLoader loader,
                         Augmentation augmentation, float[] trainingWeights) {
    }

    private Start fresh(TrainingPlan.Fresh plan) {
        TrainingSettings s = plan.settings();
        MnistLoader loader = plan.data().loader(s.dataset());
        NativeRuntime.start();
        ComputationGraph graph = ConvNetModel.create(s.architecture(),
                new Hyperparameters(s.optimizer(), s.learningRate(), s.seed()));
        Provenance provenance = new Provenance(plan.command(), s.architecture().describe(), s.optimizer().id(),
                RunSoftware.current(NativeRuntime.describe()), loader.checksums(),
                Outcome.startedAt(OffsetDateTime.now().withNano(0)), Map.of());
        RunState state = RunState.fresh(new RunSettings(s.epochs(), s.seed(), s.batch(), s.learningRate(), s.patience(),
                        s.emaMomentum()),
                new RunData(s.dataset().id(), s.limit(), s.validationSplit(), s.augmentation().toString()), provenance);
        return new Start(graph, state, s.dataset(), loader, s.augmentation(), null);
    }

    private Start resumed(TrainingPlan.Resumed plan) {
        RunState saved = SavedModels.resumableState(store, plan.from());
        int total = plan.epochsTotal() != 0 ? plan.epochsTotal() : saved.settings().epochs();
        // A checkpoint whose epochs are all trained but that was stopped before its final save is
        // not finished: resuming it evaluates and saves. Only a saved model has finished its run.
        boolean finished = saved.provenance().outcome().finished() != null;
        if (total < saved.epochsDone() || total == saved.epochsDone() && finished) {
            String done = saved.epochsDone() + (saved.epochsDone() == 1 ? " epoch" : " epochs");
            throw new InvalidSettingException(Setting.EPOCHS, plan.epochsTotal() == 0
                    ? "is needed: " + plan.from() + " has trained all its " + done + "; give the total to reach, e.g. --epochs "
                            + (saved.epochsDone() + 5)
                    : "must be larger: " + plan.from() + " has already finished " + done);
        }
        Dataset dataset = Dataset.fromId(saved.data().dataset());
        Augmentation augmentation;
        try {
            augmentation = Augmentation.parseRecord(saved.data().augment());
        } catch (IllegalArgumentException e) {
            throw new dev.convnet.model.ModelFileException(plan.from() + " has a malformed run record (augment: "
                    + e.getMessage() + ")", e);
        }
        MnistLoader loader = plan.data().loader(dataset);
        loader.differenceFrom(saved.provenance().datasetChecksums()).ifPresent(difference -> {
            throw new InvalidSettingException(Setting.DATA, difference + "; resuming on other data would make the run "
                    + "record false: resume with the same data, or start a new run");
        });
        float[] trainingWeights = null;
        if (saved.settings().averagesWeights()) {
            trainingWeights = store.readTrainingWeights(plan.from());
            if (trainingWeights == null) {
                throw new dev.convnet.model.ModelFileException(plan.from() + " averages its weights (ema.momentum in its run "
                        + "record) but holds no " + ModelStore.TRAINING_WEIGHTS + " to go on from; it cannot be resumed exactly");
            }
        }
        // SavedModels, not the store: a Keras file can be fine-tuned directly (it is imported on the fly)
        // the run goes on: its checkpoints are unfinished, whatever the saved model's outcome said
        RunState going = saved.withTotal(total).with(saved.provenance().unfinished());
        return new Start(new SavedModels(store).load(plan.from()).graph(), going, dataset, loader, augmentation, trainingWeights);
    }

    /** Model with run record, history CSV and chart; then the checkpoint goes. Returns why the chart failed, if it did. */
    private Optional<String> save(ComputationGraph graph, float[] trainingWeights, RunState done, OutputPaths outputs,
                                  OnDisk disk) {
        store.save(graph, outputs.model(), done.toText(), trainingWeights, () -> disk.modelSaved(outputs.model()));
        store.saveText(new History(done.history()).toCsv(), outputs.historyCsv());
        Optional<String> chartProblem = Optional.empty();
        try {
            Charts.history(done.history(), outputs.historyChart());
        } catch (IOException | RuntimeException e) {
            chartProblem = Optional.of(String.valueOf(e.getMessage()));
        }
        try {
            Files.deleteIfExists(outputs.checkpoint()); // the saved model now holds the same state
        } catch (IOException ignored) {
            // a stale checkpoint is harmless: it only allows resuming an earlier state
        }
        return chartProblem;
    }
}
