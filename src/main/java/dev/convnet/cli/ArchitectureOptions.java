package dev.convnet.cli;

import dev.convnet.engine.InputShape;
import dev.convnet.model.Architecture;
import dev.convnet.model.BatchNormPlacement;
import dev.convnet.model.ModelType;
import dev.convnet.model.Padding;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options that choose the network, shared by {@code train} and {@code summary}; defaults are listing 8-1. */
public final class ArchitectureOptions {
    private static final String SHAPE_HINT = ": use fewer --filters, --padding same, a smaller --kernel or --strides";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "TYPE", defaultValue = "convnet",
            description = "convnet (chapter 8) or dense (chapter 2: Dense(512, relu)) (default: ${DEFAULT-VALUE}).")
    ModelType type;

    @Option(names = "--filters", paramLabel = "N,N,...", hideParamSyntax = true, split = ",", defaultValue = "32,64,128",
            description = "Filters of each convolution; 2x2 max pooling follows all but the last (default: ${DEFAULT-VALUE}).")
    List<Integer> filters;

    @Option(names = "--kernel", paramLabel = "N", defaultValue = "3", description = "Convolution kernel size (default: ${DEFAULT-VALUE}).")
    int kernel;

    @Option(names = "--strides", paramLabel = "N", defaultValue = "1", description = "Convolution strides (default: ${DEFAULT-VALUE}).")
    int strides;

    @Option(names = "--padding", paramLabel = "MODE", defaultValue = "valid",
            description = "valid (no padding) or same (keep the size) (default: ${DEFAULT-VALUE}).")
    Padding padding;

    @Option(names = "--pool-last", description = "Also max-pool after the last convolution, as the keras.io MNIST example does.")
    boolean poolLast;

    @Option(names = "--dropout", paramLabel = "RATE", defaultValue = "0",
            description = "Dropout before the output layer, Keras' rate: the probability to drop a unit, 0 to below 1 "
                    + "(default: ${DEFAULT-VALUE}, none).")
    double dropout;

    @Option(names = "--batch-norm", paramLabel = "WHERE", arity = "0..1", fallbackValue = "before-relu",
            description = "BatchNormalization on each convolution (on the hidden Dense of --model dense): "
                    + "before-relu (alone: --batch-norm), after-relu, or after-pool.")
    String batchNorm;

    /** The options of this group given on the command line. */
    List<String> given() {
        return spec.commandLine().getParseResult() == null ? List.of()
                : List.of("--model", "--filters", "--kernel", "--strides", "--padding", "--pool-last", "--dropout", "--batch-norm").stream()
                        .filter(spec.commandLine().getParseResult()::hasMatchedOption).toList();
    }

    Architecture architecture() {
        if (filters.isEmpty() || filters.stream().anyMatch(f -> f < 1 || f > Architecture.MAX_FILTERS)) {
            throw usage("--filters needs 1 to " + Architecture.MAX_FILTERS + " filters per layer, e.g. 32,64,128");
        }
        if (kernel < 1 || kernel > Architecture.MAX_KERNEL || strides < 1 || strides > Architecture.MAX_KERNEL) {
            throw usage("--kernel and --strides must be between 1 and " + Architecture.MAX_KERNEL);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw usage("--dropout is Keras' rate, the probability to drop a unit: at least 0 and below 1 (e.g. 0.5), got "
                    + dropout);
        }
        if (type == ModelType.DENSE) {
            // a dense network has no convolutions: these would be silently ignored
            List<String> convolutional = given().stream()
                    .filter(List.of("--filters", "--kernel", "--strides", "--padding", "--pool-last")::contains).toList();
            if (!convolutional.isEmpty()) {
                throw usage(String.join(", ", convolutional) + (convolutional.size() > 1 ? " apply" : " applies")
                        + " to the convolutions of --model convnet, "
                        + "and --model dense has none");
            }
        }
        Architecture arch = new Architecture(type, filters, kernel, strides, padding, poolLast, dropout, batchNorms());
        try {
            arch.featureMapSizes(InputShape.MNIST_SIDE);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage() + SHAPE_HINT);
        }
        return arch;
    }

    /** One placement per hidden weighted layer, as --batch-norm asks (none when it is not given). */
    private List<BatchNormPlacement> batchNorms() {
        if (batchNorm == null) {
            return List.of();
        }
        BatchNormPlacement where;
        try {
            where = BatchNormPlacement.fromId(batchNorm);
        } catch (IllegalArgumentException e) {
            throw usage("--batch-norm takes before-relu, after-relu or after-pool (or nothing: before-relu), got '"
                    + batchNorm + "'");
        }
        int layers = type == ModelType.DENSE ? 1 : filters.size();
        if (where == BatchNormPlacement.AFTER_POOLING && (type == ModelType.DENSE || !poolLast)) {
            throw usage("--batch-norm=after-pool needs a pooling after every convolution: add --pool-last"
                    + (type == ModelType.DENSE ? " (and --model convnet)" : ""));
        }
        return java.util.Collections.nCopies(layers, where);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
