package dev.convnet.cli;

import dev.convnet.model.Architecture;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options that choose the network, shared by {@code train} and {@code summary}; defaults are listing 8-1. */
public final class ArchitectureOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "TYPE", defaultValue = "convnet",
            description = "convnet (chapter 8) or dense (chapter 2: Dense(512, relu)) (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--filters", paramLabel = "N,N,...", split = ",", defaultValue = "32,64,128",
            description = "Filters of each convolution; 2x2 max pooling follows all but the last (default: ${DEFAULT-VALUE}).")
    List<Integer> filters;

    @Option(names = "--kernel", paramLabel = "N", defaultValue = "3", description = "Convolution kernel size (default: ${DEFAULT-VALUE}).")
    int kernel;

    @Option(names = "--strides", paramLabel = "N", defaultValue = "1", description = "Convolution strides (default: ${DEFAULT-VALUE}).")
    int strides;

    @Option(names = "--padding", paramLabel = "MODE", defaultValue = "valid",
            description = "valid (no padding) or same (keep the size) (default: ${DEFAULT-VALUE}).")
    String padding;

    Architecture architecture() {
        try {
            Architecture arch = new Architecture(type, filters, kernel, strides, padding);
            arch.featureMapSizes(28);
            return arch;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
