package dev.convnet.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.app.TrainingListener;
import dev.convnet.app.TrainingProbe;
import dev.convnet.app.TrainingStart;
import dev.convnet.data.LabeledImages;
import dev.convnet.engine.UpdateRatio;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.http.PublicPaths;
import dev.convnet.report.Gallery;
import dev.convnet.report.Json;
import dev.convnet.report.RunRecordText;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.RunState;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A training run as events for the live page, made on the training thread and appended to a
 * {@link LiveFeed} (which never waits on a browser): the start with the run's settings, a point
 * of the running loss and accuracy about {@link #POINTS_PER_EPOCH} times an epoch, every epoch's
 * figures, and per layer the ratio of one step's update to the weights ({@link UpdateRatio}, as
 * DL4J's training UI showed it) about {@link #RATIOS_PER_EPOCH} times an epoch, measured by the
 * engine as it applies that step (no copy of the weights). After each
 * epoch, the confusion matrix of the first {@link #SAMPLE} test images and a strip of the ones
 * it misreads (predicted on the training thread, drawn and sent from another).
 */
public final class LiveTraining implements TrainingListener {
    static final int POINTS_PER_EPOCH = 200;
    static final int RATIOS_PER_EPOCH = 10;
    static final int SAMPLE = 1000;
    static final int MISREAD_SHOWN = 16;
    private static final int ENCODING_WAIT_SECONDS = 10;

    private final LiveFeed feed;
    private final ObjectMapper json = new ObjectMapper();
    private TrainingProbe probe;
    private LabeledImages sample;
    private RunState state;
    private int epoch;
    private int steps;
    private int pointEvery;
    private int ratioEvery;
    private boolean measuring;
    private ExecutorService encoder;
    private Future<?> encoding;

    LiveTraining(LiveFeed feed) {
        this.feed = feed;
    }

    @Override
    public void started(TrainingStart start) {
        probe = start.probe();
        state = start.state();
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>(RunRecordText.fields(state));
        settings.keySet().removeIf(k -> k.startsWith("sha256.")); // the record keeps them; the page has no room
        settings.replaceAll((key, value) -> PublicPaths.strip(value)); // the command's -o and --data: names, not folders
        doc.put("settings", settings);
        doc.put("epochs", state.settings().epochs());
        doc.put("epochsDone", state.epochsDone());
        doc.put("learningRate", state.settings().learningRate());
        doc.put("batch", state.settings().batch());
        doc.put("engine", start.engine());
        doc.put("trainImages", start.trainImages());
        doc.put("validationImages", start.validationImages());
        doc.put("model", start.model().getFileName().toString());
        doc.put("history", Json.history(state.history()));
        publish("start", doc);
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        this.epoch = epoch;
        this.steps = steps;
        this.pointEvery = Math.max(1, steps / POINTS_PER_EPOCH);
        this.ratioEvery = Math.max(2, steps / RATIOS_PER_EPOCH);
        publish("epoch_start", Map.of("epoch", epoch, "epochs", epochs, "steps", steps));
    }

    @Override
    public void batchFinished(int step, double meanLoss, double meanAccuracy) {
        if (step % pointEvery == 0 || step == steps) {
            publish(LiveFeed.STEP, Map.of("epoch", epoch, "step", step, "x", x(step), "loss", meanLoss,
                    "accuracy", meanAccuracy));
        }
        if (probe == null) {
            return;
        }
        if ((step + 1) % ratioEvery == 0 && step < steps) {
            probe.measureNextUpdate(); // the engine measures the next step's update as it applies it
            measuring = true;
        } else if (step % ratioEvery == 0 && measuring) {
            Map<String, Object> ratios = new LinkedHashMap<>();
            for (UpdateRatio r : probe.updateRatios()) {
                ratios.put(r.layer(), r.ratio());
            }
            measuring = false;
            publish("ratios", Map.of("x", x(step), "layers", ratios));
        }
    }

    private double x(int step) {
        return epoch - 1 + (double) step / steps;
    }

    @Override
    public void epochFinished(EpochRecord record) {
        state = state.afterEpoch(record);
        Map<String, Object> doc = Json.epoch(record);
        doc.put("learningRate", state.settings().learningRate());
        publish("epoch", doc);
        if (probe != null) {
            LabeledImages images = sample();
            EvaluationResult result = probe.evaluate(images); // on this thread: the engine belongs to it
            int epochDone = record.epoch();
            encoding = encoder().submit(() -> publish("evaluation", evaluation(epochDone, images, result)));
        }
    }

    /** The first {@link #SAMPLE} test images. */
    private LabeledImages sample() {
        if (sample == null) {
            LabeledImages test = probe.testImages();
            sample = test.size() <= SAMPLE ? test : test.splitAt(SAMPLE).first();
        }
        return sample;
    }

    /**
     * The thread that draws the misread strip and writes the evaluation's JSON, so that the
     * training thread spends on an epoch's evaluation only the forward pass (the first PNG also
     * starts Java2D and its fonts: about 0.1 s).
     */
    private ExecutorService encoder() {
        if (encoder == null) {
            encoder = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "live-page-evaluation");
                t.setDaemon(true); // never keeps convnet running
                return t;
            });
        }
        return encoder;
    }

    @Override
    public void restoredBestEpoch(int epoch, boolean stoppedEarly) {
        publish("restored", Map.of("epoch", epoch, "stoppedEarly", stoppedEarly));
    }

    /** How the run ended, as the console says it (the page shows it and stops listening). */
    public void ended(String outcome, String message) {
        if (encoder != null) { // the last epoch's evaluation goes out before the end
            try {
                encoding.get(ENCODING_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the page lacks that one evaluation; the run's end still reaches it
            }
            encoder.shutdown();
            encoder = null;
        }
        publish("end", Map.of("outcome", outcome, "message", PublicPaths.strip(message))); // "saved /home/ana/m.zip": names only
    }

    /** The evaluation event: confusion counts and a strip of the first misread digits (off the training thread). */
    private static Map<String, Object> evaluation(int epoch, LabeledImages sample, EvaluationResult result) {
        List<Gallery.Tile> misread = new ArrayList<>();
        int wrong = 0;
        for (int i = 0; i < sample.size(); i++) {
            int actual = sample.classes()[i];
            int predicted = result.predicted()[i];
            if (predicted != actual && wrong++ < MISREAD_SHOWN) {
                misread.add(new Gallery.Tile(sample.image(i), actual + " read as " + predicted));
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("epoch", epoch);
        doc.put("images", sample.size());
        doc.put("accuracy", result.accuracy());
        doc.put("confusion", result.confusion());
        doc.put("misread", wrong);
        if (!misread.isEmpty()) {
            Gallery.Png png = Gallery.captionedPng(misread, Math.min(8, misread.size()), 28);
            doc.put("strip", "data:image/png;base64," + Base64.getEncoder().encodeToString(png.bytes()));
        }
        return doc;
    }

    private void publish(String type, Object doc) {
        try {
            feed.publish(type, json.writeValueAsString(doc));
        } catch (JsonProcessingException e) { // maps of numbers and strings always serialise
            throw new IllegalStateException(e);
        }
    }
}
