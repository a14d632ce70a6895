package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import dev.convnet.model.ModelStore;
import dev.convnet.report.EvaluationReport;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.RunState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model saved by 'convnet train' (e.g. models/model.zip).")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + Evaluator.DEFAULT_BATCH,
            description = "Images per inference batch (default: ${DEFAULT-VALUE}).")
    int batch;

    /** The dataset the model was trained on, from its run record; MNIST for models without one. */
    private Dataset trainedOn(ModelStore store) {
        String record = store.readRunRecord(model);
        return record == null ? Dataset.MNIST : Dataset.fromId(RunState.fromText(record).dataset());
    }

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (!Files.isRegularFile(model)) {
            throw new ParameterException(spec.commandLine(), "model file " + model + " not found");
        }
        ModelStore store = new ModelStore();
        Dataset dataset = dataOptions.dataset(trainedOn(store));
        MnistLoader loader = dataOptions.loader(dataset);
        NativeRuntime.start();
        ComputationGraph graph = store.load(model);
        LabeledImages test = loader.load(Split.TEST, 0);
        EvaluationResult result = new Evaluator(batch).evaluate(graph, test);

        PrintWriter out = spec.commandLine().getOut();
        out.print(EvaluationReport.headline(result));
        out.println();
        out.print(EvaluationReport.confusionMatrix(result, dataset.classNames()));
        out.println();
        out.print(EvaluationReport.perClass(result, dataset.classNames()));
        out.flush();
        return 0;
    }
}
