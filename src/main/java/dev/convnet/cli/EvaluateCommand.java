package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ModelStore;
import dev.convnet.model.ModelFileException;
import dev.convnet.report.Charts;
import dev.convnet.report.EvaluationReport;
import dev.convnet.report.Gallery;
import dev.convnet.report.HtmlReport;
import dev.convnet.report.Json;
import dev.convnet.report.RunRecordText;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.RunState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code convnet evaluate MODEL.zip}: test-set loss and accuracy, confusion matrix, per-class metrics. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on the MNIST test set.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model saved by 'convnet train' (e.g. models/model.zip), or a Keras .keras/.h5 file.")
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

    private static final int GALLERY_MAX = 60;

    private void writeReport(EvaluationResult result, LabeledImages test, Dataset dataset, RunState record) {
        try {
            Files.createDirectories(report);
            Charts.confusionHeatMap(result, dataset.classNames(), report.resolve("confusion.png"));
            List<Gallery.Tile> tiles = new ArrayList<>();
            float[] pixels = new float[784];
            for (int i = 0; i < test.size() && tiles.size() < GALLERY_MAX; i++) {
                int predicted = result.predicted()[i];
                if (predicted != test.classes()[i]) {
                    test.pixels().get(i * 784, pixels);
                    tiles.add(new Gallery.Tile(pixels.clone(), "#" + i + ": " + dataset.classNames().get(test.classes()[i])
                            + " → " + dataset.classNames().get(predicted)));
                }
            }
            Gallery.captioned(tiles, dataset == Dataset.MNIST ? 10 : 6, 28, report.resolve("misclassified.png"));
            HtmlReport.write(report, model.getFileName().toString(), dataset.id(), result, dataset.classNames(),
                    tiles.size(), record);
        } catch (java.io.IOException e) {
            throw new ModelFileException("could not write the report to " + report + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        ModelStore store = new ModelStore();
        SavedModel saved = SavedModel.open(spec, model, dataOptions, store);
        RunState record = saved.record();
        Dataset dataset = saved.dataset();
        MnistLoader loader = dataOptions.loader(dataset);
        NativeRuntime.start();
        ComputationGraph graph = saved.graph(store);
        LabeledImages test = loader.load(Split.TEST, 0);
        EvaluationResult result = new Evaluator(batch).evaluate(graph, test);

        PrintWriter out = spec.commandLine().getOut();
        if (report != null) {
            writeReport(result, test, dataset, record);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.toString());
            doc.put("dataset", dataset.id());
            doc.putAll(Json.evaluation(result, dataset.classNames()));
            if (record != null) {
                doc.put("run", Json.run(record));
            }
            out.println(Json.write(doc));
            out.flush();
            return 0;
        }
        out.print(EvaluationReport.headline(result));
        out.println();
        out.print(EvaluationReport.confusionMatrix(result, dataset.classNames()));
        out.println();
        out.print(EvaluationReport.perClass(result, dataset.classNames()));
        if (record != null) {
            out.println();
            out.print(RunRecordText.render(record));
        }
        if (report != null) {
            out.println();
            out.println("Report written to " + Locations.display(report.resolve("index.html")));
        }
        out.flush();
        return 0;
    }
}
