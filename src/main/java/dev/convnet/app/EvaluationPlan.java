package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.engine.Engine;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Evaluate a saved model on a test set.
 *
 * @param dataset the test set to use; empty: the one the model was trained on
 * @param batch images per forward pass
 * @param reportFolder where to write the pictures and the HTML page, if wanted
 */
public record EvaluationPlan(Path model, Optional<Dataset> dataset, DataSource data, Engine engine, int batch,
                             Optional<Path> reportFolder, dev.convnet.engine.Precision precision) {

    /** In float32. */
    public EvaluationPlan(Path model, Optional<Dataset> dataset, DataSource data, Engine engine, int batch,
                          Optional<Path> reportFolder) {
        this(model, dataset, data, engine, batch, reportFolder, dev.convnet.engine.Precision.FP32);
    }

    public EvaluationPlan {
        if (batch < 1) {
            throw new InvalidSettingException(Setting.BATCH, "must be at least 1, got " + batch);
        }
    }
}
