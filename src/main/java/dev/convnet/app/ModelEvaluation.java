package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ModelFileException;
import dev.convnet.report.ReportFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** {@code evaluate}: a saved model's loss, accuracy and confusion on a whole test set, on the plan's engine. */
public final class ModelEvaluation {
    private final SavedModels models;

    public ModelEvaluation(SavedModels models) {
        this.models = models;
    }

    /**
     * Runs {@code plan}. The dataset is checked before any native library loads, so a missing one
     * fails fast.
     *
     * @throws dev.convnet.engine.EngineUnavailableException when the plan's engine cannot run the model
     */
    public EvaluationOutcome run(EvaluationPlan plan) {
        Dataset dataset = plan.dataset().orElseGet(() -> SavedModels.trainedOn(models.runRecord(plan.model())));
        MnistLoader loader = plan.data().loader(dataset);
        LoadedModel model = models.load(plan.model());
        LabeledImages test = loader.load(Split.TEST, 0);
        EvaluationResult result = new Evaluator(plan.batch(), plan.engine(), plan.precision()).evaluate(model.graph(), test);
        Optional<Path> report = plan.reportFolder().map(dir -> writeReport(dir, model, dataset, result, test));
        return new EvaluationOutcome(model, dataset, result, report);
    }

    private static Path writeReport(Path dir, LoadedModel model, Dataset dataset, EvaluationResult result,
                                    LabeledImages test) {
        try {
            return ReportFolder.write(dir, model.file().getFileName().toString(), dataset, result, test,
                    model.record().orElse(null), model.file());
        } catch (IOException e) {
            throw new ModelFileException("could not write the report to " + dir + " (" + dev.convnet.data.FileErrors.describe(e) + "); nothing of it was written", e);
        }
    }
}
