package dev.convnet.interop;

import dev.convnet.model.Hyperparameters;
import dev.convnet.train.RunState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run record an imported Keras model gets: where it came from (file, format, Keras version,
 * SHA-256) and the settings {@code train --resume} fine-tunes it with. No epoch is done yet: Keras'
 * own training history is not in the file.
 *
 * @param seed seeds the shuffling of the fine-tuning
 * @param batch images per step
 * @param learningRate RMSprop's rate (Keras' default 0.001 unless asked otherwise)
 * @param limit train on the first N images only; 0 means all
 * @param dataset the dataset the model was trained on (mnist or fashion-mnist)
 */
public record ImportedRun(long seed, int batch, double learningRate, int limit, String dataset) {

    /** Listing 8-1's settings: batch 64 (128 for the dense model), RMSprop at 0.001, seed 1, all of MNIST. */
    public static ImportedRun defaults(KerasModel model) {
        return new ImportedRun(1, model.architecture().isDense() ? 128 : 64, Hyperparameters.DEFAULT_LEARNING_RATE, 0, "mnist");
    }

    /** The optimiser the imported graph is built with: RMSprop, the book's. */
    public Hyperparameters hyperparameters() {
        return new Hyperparameters("rmsprop", learningRate, seed);
    }

    /** The run record, with {@code more} provenance (command line, versions) added after the import's own. */
    public RunState runState(KerasModel model, Map<String, String> more) {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("architecture", model.architecture().describe());
        provenance.put("optimizer", "rmsprop");
        provenance.put("imported.from", model.source().file().toString());
        provenance.put("imported.format", model.source().describe());
        provenance.put("imported.sha256", model.source().sha256());
        provenance.putAll(more);
        return new RunState(0, 0, seed, batch, learningRate, limit, dataset, 0, 0, List.of(), provenance);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "batch %d, lr %s, seed %d", batch, learningRate, seed);
    }
}
