package dev.convnet.cli;

import dev.convnet.interop.KerasWriter;
import dev.convnet.interop.OnnxWriter;
import dev.convnet.model.ModelStore;
import dev.convnet.runtime.NativeRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet export MODEL.zip --format onnx|keras -o FILE}: the model for use outside the JVM. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a model as ONNX or as a Keras 3 .keras file (or .weights.h5 for model.load_weights).")
public final class ExportCommand implements Callable<Integer> {
    /** The formats convnet writes. */
    public enum Format { ONNX, KERAS }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model saved by 'convnet train' or 'import', or a Keras file.")
    Path model;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "onnx or keras (default: from the output's extension: .onnx, .keras, .weights.h5).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "The file to write: NAME.onnx, NAME.keras, or NAME.weights.h5 (Keras weights only).")
    Path output;

    @Override
    public Integer call() throws IOException {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        Format chosen = format != null ? format : name.endsWith(".onnx") ? Format.ONNX
                : name.endsWith(".keras") || name.endsWith(".h5") ? Format.KERAS : null;
        if (chosen == null) {
            throw usage("say --format onnx or --format keras (or name the output .onnx, .keras or .weights.h5)");
        }
        boolean weightsOnly = chosen == Format.KERAS && name.endsWith(".h5");
        if (chosen == Format.KERAS && !name.endsWith(".keras") && !weightsOnly) {
            throw usage("a Keras export is NAME.keras (the model) or NAME.weights.h5 (its weights); got " + output);
        }
        if (weightsOnly && !name.endsWith(".weights.h5")) {
            throw usage("Keras 3's load_weights wants a name ending in .weights.h5; got " + output);
        }
        Path folder = output.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw usage("cannot write " + output + ": folder " + folder + " does not exist");
        }
        ModelStore store = new ModelStore();
        SavedModel saved = SavedModel.open(spec, model, null, store);
        NativeRuntime.start();
        ComputationGraph graph = saved.graph(store);
        PrintWriter out = spec.commandLine().getOut();
        String shown = Locations.display(output);
        if (chosen == Format.ONNX) {
            String version = new VersionProvider().getVersion()[0].replace("convnet ", "");
            new OnnxWriter().write(graph, output, version);
            out.printf("Wrote %s (ONNX, opset 13): input '%s' float32 [N, 1, 28, 28] (pixels / 255), "
                    + "output '%s' [N, 10] (softmax)%n", shown, OnnxWriter.INPUT, OnnxWriter.OUTPUT);
        } else if (weightsOnly) {
            new KerasWriter().writeWeights(graph, output);
            out.printf("Wrote %s (Keras 3 weights): model.load_weights(\"%s\") on the same architecture%n", shown,
                    output.getFileName());
        } else {
            new KerasWriter().writeKeras(graph, output);
            out.printf("Wrote %s (Keras %s): keras.models.load_model(\"%s\"), input [N, 28, 28, 1] (pixels / 255)%n",
                    shown, KerasWriter.KERAS_VERSION, output.getFileName());
        }
        out.flush();
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
