package dev.convnet.cli;

import dev.convnet.app.SavedModels;
import dev.convnet.data.MnistLoader;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelStore;
import dev.convnet.report.KerasSummary;
import dev.convnet.report.RunRecordText;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet summary [MODEL.zip]}: the Keras-style layer table. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Print the layers, output shapes and parameter counts, as Keras' model.summary().")
public final class SummaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ArchitectureOptions architectureOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "A saved model to summarise (default: the network 'train' would build).")
    Path model;

    @Override
    public Integer call() {
        ComputationGraphConfiguration conf;
        if (model == null) {
            conf = ConvNetModel.configuration(architectureOptions.architecture(),
                    new Hyperparameters(Hyperparameters.DEFAULT_LEARNING_RATE, 0));
        } else {
            if (!architectureOptions.given().isEmpty()) {
                List<String> given = architectureOptions.given();
                throw new ParameterException(spec.commandLine(), String.join(", ", given)
                        + (given.size() > 1 ? " describe" : " describes") + " a network to build, and " + dev.convnet.report.Printable.path(model) + " has its own: give MODEL or the architecture options, not both");
            }
            SavedModelFile.check(spec, model);
            conf = new SavedModels(new ModelStore()).configuration(model);
        }
        // The record is read before anything is printed: a malformed one is then the only output.
        java.util.Optional<dev.convnet.run.RunState> record = model == null ? java.util.Optional.empty()
                : new SavedModels(new ModelStore()).runRecord(model);
        spec.commandLine().getOut().print(table(conf));
        record.ifPresent(r -> {
            spec.commandLine().getOut().println();
            spec.commandLine().getOut().print(RunRecordText.render(r));
        });
        spec.commandLine().getOut().flush();
        return 0;
    }

    static String table(ComputationGraphConfiguration conf) {
        InputType input = InputType.convolutional(MnistLoader.IMAGE_SIZE, MnistLoader.IMAGE_SIZE, 1);
        return KerasSummary.render("convnet", KerasSummary.rows(conf, input));
    }
}
