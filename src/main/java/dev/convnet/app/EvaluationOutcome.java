package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.eval.EvaluationResult;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model's figures on a test set.
 *
 * @param dataset the test set's dataset, for its class names
 * @param report the report's index page, when one was asked for
 */
public record EvaluationOutcome(LoadedModel model, Dataset dataset, EvaluationResult result, Optional<Path> report) {
}
