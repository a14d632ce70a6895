package dev.convnet.cli;

import dev.convnet.app.ModelExport;
import dev.convnet.app.SavedModels;
import dev.convnet.interop.KerasWriter;
import dev.convnet.interop.OnnxWriter;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Printable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code convnet export MODEL.zip --format onnx|keras|h5 -o FILE}: the model for use outside the JVM. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a model as ONNX, as a Keras 3 .keras file, as a legacy Keras .h5 file, or its weights alone (for load_weights).")
public final class ExportCommand implements Callable<Integer> {
    /** The formats --format names. */
    public enum FormatOption { ONNX, KERAS, H5 }

    @Spec
    CommandSpec spec;

    /** MODEL, or models/model.zip in convnet's folder as for evaluate, summary and serve ('export -o x.onnx' said MODEL is required). */
    @picocli.CommandLine.Mixin
    ModelArgument modelArgument;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "onnx, keras or h5 (default: from the output's name, NAME.onnx, NAME.keras, NAME.h5 or "
                    + "NAME.weights.h5; a name without an ending gets the format's).")
    FormatOption format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "The file to write: NAME.onnx, NAME.keras, NAME.h5 or NAME.hdf5 (legacy Keras HDF5, "
                    + "as model.save(\"x.h5\")), or NAME.weights.h5 (Keras weights only).")
    Path output;

    @Override
    public Integer call() {
        Path model = modelArgument.file();
        String fileName = output.getFileName() == null ? "" : output.getFileName().toString();
        if (format != null && !fileName.isEmpty() && !fileName.contains(".")) {
            // '-o book --format onnx': the format names the file's type, so the name gets its ending
            output = output.resolveSibling(fileName + switch (format) {
                case ONNX -> ".onnx";
                case KERAS -> ".keras";
                case H5 -> ".h5";
            });
        }
        ModelExport.Format byName = ModelExport.Format.of(output).orElse(null);
        if (byName == null) {
            throw usage("name the output NAME.onnx, NAME.keras, NAME.h5 or NAME.weights.h5 (or NAME with --format); got "
                    + Printable.path(output));
        }
        if (format != null && !matches(format, byName)) {
            throw usage("--format " + format.name().toLowerCase(java.util.Locale.ROOT) + " does not match the output's name "
                    + Printable.text(String.valueOf(output.getFileName()))
                    + " (.onnx for onnx; .keras or .weights.h5 for keras; .h5 for h5)");
        }
        OutputFile.notAnInput(spec, output, model);
        Path folder = output.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw usage("cannot write " + output + ": folder " + folder + " does not exist");
        }
        OutputFolder.check(spec, "-o", output, folder); // read-only or full of permissions: a usage error before the export, as train -o
        String kept = dev.convnet.data.AtomicFile.whyNotReplaceable(output);
        if (kept != null) { // a FIFO, device or read-only file there stays, as for train -o and import -o
            throw usage("cannot write " + Printable.path(output) + ": " + kept);
        }
        Path source = modelArgument.checked();
        OutputFile.Found replacing = OutputFile.replaceable(spec, output, byName == ModelExport.Format.ONNX ? "an ONNX model"
                : "a Keras file", byName::holdsIts);
        new ModelExport(new SavedModels(new ModelStore())).run(source, byName, output);
        PrintWriter out = spec.commandLine().getOut();
        String shown = Locations.display(output);
        switch (byName) {
            case ONNX -> out.printf("Wrote %s (ONNX, opset 13): input '%s' float32 [N, 1, 28, 28] (pixels / 255), "
                    + "output '%s' [N, 10] (softmax)%n", shown, OnnxWriter.INPUT, OnnxWriter.OUTPUT);
            case KERAS -> out.printf("Wrote %s (Keras %s): keras.models.load_model(\"%s\"), input [N, 28, 28, 1] "
                    + "(pixels / 255)%n", shown, KerasWriter.KERAS_VERSION, Printable.text(String.valueOf(output.getFileName())));
            case KERAS_H5 -> out.printf("Wrote %s (legacy Keras HDF5, Keras %s): keras.models.load_model(\"%s\"), input "
                    + "[N, 28, 28, 1] (pixels / 255)%n", shown, KerasWriter.KERAS_VERSION, Printable.text(String.valueOf(output.getFileName())));
            case KERAS_WEIGHTS -> out.printf("Wrote %s (Keras 3 weights): model.load_weights(\"%s\") on the same "
                    + "architecture%n", shown, Printable.text(String.valueOf(output.getFileName())));
            default -> throw new IllegalStateException(byName.name());
        }
        switch (replacing) { // as train and import say what they saved over
            case EMPTY_FILE -> out.println(ReplacedModel.EMPTY_FILE);
            case OF_ITS_KIND -> out.println("It replaced the earlier " + (byName == ModelExport.Format.ONNX ? "ONNX" : "Keras")
                    + " file there; next time another -o keeps both.");
            case NOTHING -> { }
        }
        out.flush();
        return 0;
    }

    private static boolean matches(FormatOption option, ModelExport.Format format) {
        return switch (option) {
            case ONNX -> format == ModelExport.Format.ONNX;
            case KERAS -> format == ModelExport.Format.KERAS || format == ModelExport.Format.KERAS_WEIGHTS;
            case H5 -> format == ModelExport.Format.KERAS_H5;
        };
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
