package dev.convnet.cli;

import dev.convnet.engine.Engine;
import dev.convnet.engine.EngineUnavailableException;
import dev.convnet.engine.Precision;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --engine} and {@code --precision} for the commands that only infer (evaluate, predict, serve). */
public final class InferenceOptions {
    @Mixin
    EngineOption engineOption;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, or bf16 (oneDNN engine; CPUs where bf16 is faster, else it runs fp32 and says so) (default: ${DEFAULT-VALUE}).")
    Precision precision;

    Engine engine() {
        return engineOption.engine;
    }

    /**
     * The precision to run: a usage error where it cannot run at all, float32 with one line on
     * stderr where bf16 would be slower than float32 on this CPU.
     */
    Precision resolve(CommandSpec spec) {
        if (precision != Precision.FP32 && engine() == Engine.DL4J) {
            throw new ParameterException(spec.commandLine(), "--precision " + precision.id()
                    + " needs the oneDNN engine: use --engine auto or onednn");
        }
        try {
            return precision.resolvedHere(line -> spec.commandLine().getErr().println("convnet " + spec.name() + ": " + line));
        } catch (EngineUnavailableException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
