package dev.convnet.app;

import dev.convnet.data.LabeledImages;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.report.Gallery;
import dev.convnet.report.RunRecordText;
import dev.convnet.report.tensorboard.EventFileWriter;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.RunData;
import dev.convnet.run.RunSettings;
import dev.convnet.run.RunState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code train --tensorboard DIR}: the run as TensorBoard event files, under the names Keras'
 * {@code TensorBoard} callback uses so that a Keras run of listing 8-1 lines up with ours:
 * {@code DIR/RUN/train} holds {@code batch_loss} and {@code batch_accuracy} every {@code every} steps
 * (step: the global step, from 1) and per epoch (step: the epoch from 0, as Keras counts)
 * {@code epoch_loss}, {@code epoch_accuracy}, {@code epoch_learning_rate}, {@code epoch_steps_per_second},
 * {@code epoch_seconds}, a histogram of every weight ({@code conv2d/kernel/histogram}) and of its
 * last step's update ({@code conv2d/kernel_update/histogram}), and a strip of test digits with the
 * class predicted for each; {@code DIR/RUN/validation} holds {@code epoch_loss} and {@code epoch_accuracy}
 * on the validation images; {@code DIR/RUN} itself holds the run record as text (after each epoch) and the settings for
 * the HParams dashboard. RUN is the model's name and the run's start time, so a resumed run goes on
 * in its own folder and every new run gets a new one.
 *
 * <p>Writes on the training thread into buffers, flushed once per epoch (under a millisecond per
 * record). A write that fails ends the logging, not the training: {@link #problem()} says why.
 */
public final class TensorBoardLogging implements TrainingListener, AutoCloseable {
    /** Steps between two {@code batch_*} points by default: about 19 per MNIST epoch of batch 64. */
    public static final int DEFAULT_EVERY = 50;
    /** Test digits shown with their predicted class. */
    static final int SAMPLE_IMAGES = 12;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path dir;
    private final int every;
    private EventFileWriter run;
    private EventFileWriter train;
    private EventFileWriter validation;
    private Path runDir;
    private RunState state;
    private TrainingProbe probe;
    private int stepsPerEpoch;
    private long stepsBefore;
    private boolean stopped; // before its end: resumable, so its HParams session stays open
    private boolean diverged; // a loss that was not finite: its HParams session failed
    private List<LayerParameters> beforeLastStep = List.of();
    private String problem;

    /** @param every steps between two per-step points (at least 1) */
    public TensorBoardLogging(Path dir, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1, got " + every);
        }
        this.dir = dir;
        this.every = every;
    }

    /** The folder of this run's event files, once training has started. */
    public Optional<Path> runDir() {
        return Optional.ofNullable(runDir);
    }

    /** Why logging stopped before the run ended, if it did. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** The run's folder name: the model's file name without .zip, and the run's start time. */
    static String runName(Path model, OffsetDateTime started) {
        String name = model.getFileName().toString();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return started == null ? base : base + "-" + RUN_TIME.format(started);
    }

    @Override
    public void started(TrainingStart start) {
        state = start.state();
        probe = start.probe();
        guard(() -> {
            runDir = freshRunDir(dir, runName(start.model(), state.provenance().outcome().started()));
            run = new EventFileWriter(runDir);
            train = new EventFileWriter(runDir.resolve("train"));
            double now = System.currentTimeMillis() / 1000.0;
            run.hparams(hyperparameters(start), runDir.getFileName().toString(), now);
            runRecord();
        });
    }

    /**
     * A new folder for this run's events: NAME, or NAME-2, NAME-3, ... when taken. Made with
     * createDirectory, which neither reuses a folder nor follows a link planted under the run's name
     * (a link made the run write its events into the folder it pointed to).
     */
    private static Path freshRunDir(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        for (int n = 1; ; n++) {
            try {
                return Files.createDirectory(dir.resolve(n == 1 ? name : name + "-" + n));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (n >= 1000) {
                    throw taken;
                }
            }
        }
    }

    /** The run record so far, at step {@code epochsDone}, as a Markdown code block (its columns stay aligned). */
    private void runRecord() throws IOException {
        run.text("run_record", state.epochsDone(), "    " + RunRecordText.render(state).strip().replace("\n", "\n    "));
        run.flush();
    }

    private static Map<String, Object> hyperparameters(TrainingStart start) {
        RunState s = start.state();
        RunSettings settings = s.settings();
        RunData data = s.data();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("architecture", String.valueOf(s.provenance().architecture()));
        h.put("optimizer", String.valueOf(s.provenance().optimizer()));
        h.put("learning_rate", settings.learningRate());
        h.put("batch_size", settings.batch());
        h.put("epochs", settings.epochs());
        h.put("seed", settings.seed());
        h.put("dataset", data.dataset());
        h.put("limit", data.limit());
        h.put("validation_split", data.validationSplit());
        h.put("engine", start.engine());
        return h;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        stepsPerEpoch = steps;
        stepsBefore = (long) (epoch - 1) * steps;
        if (steps == 1) {
            beforeLastStep = parameters();
        }
    }

    @Override
    public void batchFinished(int step, double meanLoss, double meanAccuracy) {
        if (train == null) {
            return;
        }
        long global = stepsBefore + step;
        if (global % every == 0) {
            guard(() -> {
                train.scalar("batch_loss", global, meanLoss);
                train.scalar("batch_accuracy", global, meanAccuracy);
            });
        }
        if (step == stepsPerEpoch - 1) {
            beforeLastStep = parameters();
        }
    }

    @Override
    public void epochFinished(EpochRecord record) {
        if (train == null) {
            return;
        }
        long step = record.epoch() - 1L;
        List<LayerParameters> now = parameters();
        guard(() -> {
            train.scalar("epoch_loss", step, record.loss());
            train.scalar("epoch_accuracy", step, record.accuracy());
            train.scalar("epoch_learning_rate", step, state.settings().learningRate());
            train.scalar("epoch_seconds", step, record.seconds());
            train.scalar("epoch_steps_per_second", step, record.steps() / Math.max(1e-9, record.seconds()));
            if (record.hasValidation()) {
                if (validation == null) {
                    validation = new EventFileWriter(runDir.resolve("validation"));
                }
                validation.scalar("epoch_loss", step, record.valLoss());
                validation.scalar("epoch_accuracy", step, record.valAccuracy());
                validation.flush();
            }
            for (int i = 0; i < now.size(); i++) {
                LayerParameters layer = now.get(i);
                train.histogram(layer.layer() + "/kernel/histogram", step, layer.kernel());
                train.histogram(layer.layer() + "/bias/histogram", step, layer.bias());
                if (i < beforeLastStep.size()) {
                    LayerParameters before = beforeLastStep.get(i);
                    train.histogram(layer.layer() + "/kernel_update/histogram", step,
                            LayerParameters.difference(layer.kernel(), before.kernel()));
                    train.histogram(layer.layer() + "/bias_update/histogram", step,
                            LayerParameters.difference(layer.bias(), before.bias()));
                }
            }
            state = state.afterEpoch(record);
            runRecord();
            Gallery.Png strip = predictedDigits();
            if (strip != null) {
                train.image("test_predictions", step, strip.width(), strip.height(), 3, strip.bytes());
            }
            train.flush();
        });
    }

    /** The first test digits, each captioned with its predicted class ("7", or "pred 2 (true 7)" when wrong). */
    private Gallery.Png predictedDigits() {
        LabeledImages test = probe.testImages();
        int n = Math.min(SAMPLE_IMAGES, test.size());
        if (n == 0) {
            return null;
        }
        LabeledImages sample = n == test.size() ? test : test.splitAt(n).first();
        EvaluationResult result = probe.evaluate(sample);
        List<Gallery.Tile> tiles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int actual = sample.classes()[i];
            int predicted = result.predicted()[i];
            tiles.add(new Gallery.Tile(sample.image(i),
                    predicted == actual ? "pred " + predicted : "pred " + predicted + " (true " + actual + ")"));
        }
        return Gallery.captionedPng(tiles, n, 28);
    }

    private List<LayerParameters> parameters() {
        return train == null ? List.of() : probe.parameters();
    }

    @Override
    public void unfinished(boolean diverged) {
        this.diverged = diverged;
        this.stopped = !diverged;
    }

    @Override
    public void close() {
        if (run == null) {
            if (problem != null && runDir != null && removeEmpty(runDir)) {
                runDir = null; // started() failed after making it: nothing of this run is left
            }
            return;
        }
        if (!stopped) { // a stopped run is not over, as Keras' callback writes no end when fit is interrupted
            guard(() -> run.hparamsEnd(diverged, System.currentTimeMillis() / 1000.0));
        }
        for (EventFileWriter w : new EventFileWriter[] {run, train, validation}) {
            if (w != null) {
                try {
                    w.close();
                } catch (IOException e) {
                    problem = problem != null ? problem : e.getMessage();
                }
            }
        }
        run = train = validation = null;
        if (problem != null && removeEmpty(runDir)) {
            runDir = null;
        }
    }

    /**
     * After a failure (a full disk), the empty event files and folders it left: nothing TensorBoard
     * could read. Files with events in them stay; they hold the run up to the failure.
     */
    /** @return whether the run's folder itself was removed (nothing in it could be read) */
    private static boolean removeEmpty(Path runDir) {
        if (runDir == null) {
            return false;
        }
        for (Path folder : List.of(runDir.resolve("train"), runDir.resolve("validation"), runDir)) {
            try (java.util.stream.Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(file) == 0) {
                        Files.delete(file);
                    }
                }
                Files.delete(folder); // only when nothing is left in it
            } catch (IOException notEmptyOrGone) {
                // it holds events (or was never made): kept
            }
        }
        return !Files.exists(runDir, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private interface Write {
        void run() throws IOException;
    }

    /** Runs {@code w}; after a failure, logging stops (the run goes on) and {@link #problem()} says why. */
    private void guard(Write w) {
        if (problem != null) {
            return;
        }
        try {
            w.run();
        } catch (IOException | RuntimeException e) {
            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            train = null;
        }
    }
}
