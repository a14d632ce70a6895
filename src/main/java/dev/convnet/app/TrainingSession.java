package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Charts;
import dev.convnet.run.History;
import dev.convnet.run.Provenance;
import dev.convnet.run.RunState;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.runtime.Versions;
import dev.convnet.train.Trainer;
import dev.convnet.train.TrainingDivergedException;
import dev.convnet.train.TrainingInterruptedException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
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
        store.checkWritable(outputs.model());
        Start start = plan instanceof TrainingPlan.Fresh fresh ? fresh(fresh) : resumed((TrainingPlan.Resumed) plan);
        RunState state = start.state();
        LabeledImages train = start.loader().load(Split.TRAIN, state.limit());
        LabeledImages validation = null;
        if (state.validationSplit() > 0) {
            int keep = train.size() - (int) Math.round(train.size() * state.validationSplit());
            if (keep < 1 || keep >= train.size()) {
                throw new InvalidSettingException(Setting.VALIDATION_SPLIT,
                        state.validationSplit() + " leaves no training or no validation images");
            }
            LabeledImages.Parts parts = train.splitAt(keep);
            train = parts.first();
            validation = parts.rest();
        }
        LabeledImages test = start.loader().load(Split.TEST, 0);

        ComputationGraph graph = start.graph();
        Evaluator evaluator = new Evaluator(Evaluator.DEFAULT_BATCH, plan.engine());
        History history;
        try (Trainer t = new Trainer(graph, plan.engine().open(graph, state.batch()), evaluator, state.batch(),
                state.seed(), listener)) {
            trainer = t;
            if (stopRequested) {
                t.requestStop();
            }
            state = state.with(state.provenance().withEngine(t.engine()));
            CheckpointWriter checkpoints = new CheckpointWriter(store, graph, outputs.checkpoint(), state);
            listener.started(new TrainingStart(graph.getConfiguration(), state, start.dataset(), train.size(),
                    validation == null ? 0 : validation.size(), t.engine(), NativeRuntime.describe()));
            try {
                history = t.fit(train, validation, state.epochsDone() + 1, state.epochsTotal(), state.patience(), checkpoints);
            } catch (TrainingInterruptedException e) {
                return new TrainingOutcome.Interrupted(e.epoch(), e.step(), checkpoints.latest(), checkpoints.kept());
            } catch (TrainingDivergedException e) {
                return new TrainingOutcome.Diverged(e.getMessage(), checkpoints.latest(), checkpoints.kept());
            }
            if (history.restoredEpoch() > 0) {
                listener.restoredBestEpoch(history.restoredEpoch(), history.isStoppedEarly());
            }
            state = checkpoints.latest();
        } finally {
            trainer = null;
        }
        EvaluationResult result = evaluator.evaluate(graph, test);
        RunState done = state.with(state.provenance().finished(
                new Provenance.TestFigures(result.loss(), result.accuracy()), OffsetDateTime.now().withNano(0)));
        Optional<String> chartProblem = save(graph, done, outputs);
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

    /** The network, data and state a run begins with. */
    private record Start(ComputationGraph graph, RunState state, Dataset dataset, MnistLoader loader) {
    }

    private Start fresh(TrainingPlan.Fresh plan) {
        TrainingSettings s = plan.settings();
        MnistLoader loader = plan.data().loader(s.dataset());
        NativeRuntime.start();
        ComputationGraph graph = ConvNetModel.create(s.architecture(),
                new Hyperparameters(s.optimizer(), s.learningRate(), s.seed()));
        Provenance provenance = new Provenance(plan.command(), s.architecture().describe(), s.optimizer().id(),
                Versions.convnet(), Versions.dl4j(), Versions.java(), NativeRuntime.describe(), null,
                loader.checksums(), OffsetDateTime.now().withNano(0), null, null, Map.of());
        RunState state = RunState.fresh(s.epochs(), s.seed(), s.batch(), s.learningRate(), s.limit(), s.dataset().id(),
                s.validationSplit(), s.patience(), provenance);
        return new Start(graph, state, s.dataset(), loader);
    }

    private Start resumed(TrainingPlan.Resumed plan) {
        RunState saved = SavedModels.resumableState(store, plan.from());
        int total = plan.epochsTotal() != 0 ? plan.epochsTotal() : saved.epochsTotal();
        if (total <= saved.epochsDone()) {
            throw new InvalidSettingException(Setting.EPOCHS, "must be larger: " + plan.from() + " has already finished "
                    + saved.epochsDone() + " epochs");
        }
        Dataset dataset = Dataset.fromId(saved.dataset());
        MnistLoader loader = plan.data().loader(dataset);
        NativeRuntime.start();
        return new Start(store.load(plan.from()), saved.withTotal(total), dataset, loader);
    }

    /** Model with run record, history CSV and chart; then the checkpoint goes. Returns why the chart failed, if it did. */
    private Optional<String> save(ComputationGraph graph, RunState done, OutputPaths outputs) {
        store.save(graph, outputs.model(), done.toText());
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
