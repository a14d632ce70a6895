package dev.convnet.cli;

import dev.convnet.app.EvaluationOutcome;
import dev.convnet.app.EvaluationPlan;
import dev.convnet.app.ModelEvaluation;
import dev.convnet.app.SavedModels;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ModelStore;
import dev.convnet.report.EvaluationReport;
import dev.convnet.report.Json;
import dev.convnet.report.RunRecordText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet evaluate MODEL.zip}: test-set loss and accuracy, confusion matrix, per-class metrics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on the MNIST test set.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model saved by 'convnet train' (e.g. models/model.zip).")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--json", description = "Print one JSON document (metrics, confusion matrix, per-class figures, run record).")
    boolean json;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write confusion.png, misclassified.png and index.html into DIR.")
    Path report;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + Evaluator.DEFAULT_BATCH,
            description = "Images per inference batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    EngineOption engineOption;

    @Mixin
    InferencePrecisionOption precisionOption;

    @Override
    public Integer call() {
        EvaluationPlan plan = new EvaluationPlan(model, dataOptions.datasetIfGiven(), dataOptions::loader,
                engineOption.engine, batch, Optional.ofNullable(report), precisionOption.resolve(spec, engineOption.engine));
        SavedModelFile.check(spec, model);
        EvaluationOutcome outcome = new ModelEvaluation(new SavedModels(new ModelStore())).run(plan);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.toString());
            doc.put("dataset", outcome.dataset().id());
            doc.putAll(Json.evaluation(outcome.result(), outcome.dataset().classNames()));
            outcome.model().record().ifPresent(record -> doc.put("run", Json.run(record)));
            out.println(Json.write(doc));
        } else {
            out.print(EvaluationReport.headline(outcome.result()));
            out.println();
            out.print(EvaluationReport.confusionMatrix(outcome.result(), outcome.dataset().classNames()));
            out.println();
            out.print(EvaluationReport.perClass(outcome.result(), outcome.dataset().classNames()));
            outcome.model().record().ifPresent(record -> {
                out.println();
                out.print(RunRecordText.render(record));
            });
            outcome.report().ifPresent(index -> {
                out.println();
                out.println("Report written to " + Locations.display(index));
            });
        }
        out.flush();
        return 0;
    }
}
