package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.interop.KerasModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.Optimizer;
import dev.convnet.run.Outcome;
import dev.convnet.run.Provenance;
import dev.convnet.run.RunData;
import dev.convnet.run.RunSettings;
import dev.convnet.run.RunState;
import dev.convnet.platform.NativeRuntime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How an imported Keras model is fine-tuned by {@code train --resume}, and the run record that says
 * where it came from (file, format, Keras version, SHA-256). No epoch is done yet (Keras' own
 * training history is not in its files) and one is planned: the fine-tuning.
 *
 * @param seed seeds the shuffling of the fine-tuning
 * @param batch images per step
 * @param learningRate RMSprop's rate
 * @param limit train on the first N images only; 0 means all
 * @param dataset what the model was trained on
 */
public record ImportSettings(long seed, int batch, double learningRate, int limit, Dataset dataset) {

    public ImportSettings {
        if (batch < 1 || batch > TrainingSettings.MAX_BATCH) {
            throw new InvalidSettingException(Setting.BATCH, "must be between 1 and " + TrainingSettings.MAX_BATCH
                    + ", got " + batch);
        }
        if (!(learningRate > 0) || learningRate > TrainingSettings.MAX_LEARNING_RATE) {
            throw new InvalidSettingException(Setting.LEARNING_RATE, "must be greater than 0 and at most "
                    + TrainingSettings.MAX_LEARNING_RATE + ", got " + learningRate);
        }
        if (limit < 0) {
            throw new InvalidSettingException(Setting.LIMIT, "must be 0 (all images) or positive, got " + limit);
        }
    }

    /** Listing 8-1's settings: batch 64 (128 for the dense model), RMSprop at 0.001, seed 1, all of MNIST. */
    public static ImportSettings defaults(KerasModel model) {
        return new ImportSettings(1, model.architecture().isDense() ? 128 : 64, Optimizer.RMSPROP.defaultLearningRate(),
                0, Dataset.MNIST);
    }

    /** The optimiser the imported graph is built with: RMSprop, the book's. */
    public Hyperparameters hyperparameters() {
        return new Hyperparameters(Optimizer.RMSPROP, learningRate, seed);
    }

    /** The run record of {@code model} imported with these settings; {@code command} may be null. */
    public RunState runState(KerasModel model, String command) {
        Map<String, String> imported = new LinkedHashMap<>();
        imported.put("imported.from", model.source().file().toString());
        imported.put("imported.format", model.source().describe());
        imported.put("imported.sha256", model.source().sha256());
        imported.putAll(model.notes());
        // without a command the record is made on the fly for a Keras file read directly: no run started
        Provenance provenance = new Provenance(command, model.architecture().describe(), Optimizer.RMSPROP.id(),
                RunSoftware.current(command == null ? null : NativeRuntime.describe()), Map.of(),
                command == null ? Outcome.NONE : Outcome.startedAt(OffsetDateTime.now().withNano(0)), imported);
        // one epoch to go: train --resume fine-tunes for one epoch unless --epochs says more
        return RunState.fresh(new RunSettings(1, seed, batch, learningRate, 0), RunData.of(dataset.id(), limit), provenance);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "batch %d, lr %s, seed %d", batch, learningRate, seed);
    }
}
