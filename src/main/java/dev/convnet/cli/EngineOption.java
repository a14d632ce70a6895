package dev.convnet.cli;

import dev.convnet.engine.Engine;
import picocli.CommandLine.Option;

/** {@code --engine}, the same for every command that runs the network. */
public final class EngineOption {
    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (oneDNN where the network allows), onednn or dl4j (default: ${DEFAULT-VALUE}).")
    Engine engine;
}
