package dev.convnet.cli;

import dev.convnet.app.InvalidSettingException;
import dev.convnet.app.Setting;
import dev.convnet.engine.EngineUnavailableException;
import dev.convnet.report.Printable;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * What a failed command says, in one line on stderr, and the exit code it returns: a usage error
 * (2) with the option to fix, a failure (1) with what went wrong, out of memory (1) with the heap
 * limit; {@code --verbose} adds the stack trace.
 */
final class ErrorLines {
    private ErrorLines() {
    }

    /**
     * The application layer's errors that are the user's to fix with an option, as usage errors
     * naming that option: it speaks of settings and engines, the CLI knows their flags.
     */
    static ParameterException asUsageError(Exception ex, CommandLine cmd) {
        if (ex instanceof InvalidSettingException invalid) {
            return new ParameterException(cmd, flag(invalid.setting()) + " " + invalid.getMessage(), ex);
        }
        if (ex instanceof EngineUnavailableException unavailable) {
            return new ParameterException(cmd, "--engine onednn: " + unavailable.getMessage(), ex);
        }
        return null;
    }

    private static String flag(Setting setting) {
        return switch (setting) {
            case EPOCHS -> "--epochs";
            case BATCH -> "--batch";
            case LEARNING_RATE -> "--lr";
            case LIMIT -> "--limit";
            case VALIDATION_SPLIT -> "--validation-split";
            case EARLY_STOPPING -> "--early-stopping";
            case EMA_MOMENTUM -> "--ema-momentum";
            case DATA -> "--data:";
        };
    }

    static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        String undecodable = Arrays.stream(args).filter(a -> a.indexOf('\uFFFD') >= 0).findFirst().orElse(null);
        if (undecodable != null) {
            // The JVM decodes arguments with the locale's character set; under LANG=C a name like ü.png
            // arrives damaged and nothing inside the JVM can repair it.
            err.println(name + ": the argument '" + undecodable + "' cannot be decoded in this locale's character set ("
                    + System.getProperty("sun.jnu.encoding") + "); run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 "
                    + "(scripts/convnet does this itself)");
            err.flush();
            return ConvNetCommand.EXIT_USAGE;
        }
        err.println(name + ": " + Printable.text(contradiction(ex, args).orElse(ex.getMessage())));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + name + " --help' for more information.");
        }
        if (VerboseOption.isVerbose(cmd.getCommandSpec())) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ConvNetCommand.EXIT_USAGE;
    }

    /**
     * For an option given both ways ({@code --ema --no-ema}), which picocli reports as "should be
     * specified only once": that the two contradict each other.
     */
    private static Optional<String> contradiction(ParameterException ex, String[] args) {
        if (ex instanceof CommandLine.OverwrittenOptionException overwritten
                && overwritten.getOverwritten() instanceof CommandLine.Model.OptionSpec option && option.negatable()) {
            String positive = option.longestName();
            String negative = "--no-" + positive.replaceFirst("^--", "");
            List<String> given = Arrays.stream(args).map(a -> a.replaceFirst("=.*", "")).toList();
            if (given.contains(positive) && given.contains(negative)) {
                return Optional.of(positive + " and " + negative + " contradict each other: give one of them");
            }
        }
        return Optional.empty();
    }

    static int failure(Exception ex, CommandLine cmd, boolean verbose) {
        PrintWriter err = cmd.getErr();
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + oneLine(ex)
                + (verbose ? "" : " (--verbose shows details)"));
        err.flush();
        return ConvNetCommand.EXIT_FAILURE;
    }

    /** The OutOfMemoryError {@code t} is or was caused by, or null. */
    static OutOfMemoryError outOfMemoryIn(Throwable t) {
        for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    /** One line for an OutOfMemoryError; the stack trace only with --verbose. */
    static int outOfMemory(OutOfMemoryError e, PrintWriter err, String command, boolean verbose) {
        if (verbose) {
            e.printStackTrace(err);
        }
        err.println(command + ": error: out of memory (" + (e.getMessage() == null ? "OutOfMemoryError" : e.getMessage())
                + ", heap limit " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): the input is larger than convnet "
                + "can hold; if it is genuine, raise the limit (CONVNET_JAVA_OPTS=-Xmx4g)" + (verbose ? "" : " (--verbose shows details)"));
        err.flush();
        return ConvNetCommand.EXIT_FAILURE;
    }

    /**
     * Our own exceptions already speak to the user (whole, with any file or layer name in them
     * escaped, so a name holding a newline or ESC stays on this line and inert); anything else gets
     * its type named and its first line.
     */
    static String oneLine(Throwable ex) {
        String message = ex.getMessage();
        boolean ours = ex.getClass().getPackageName().startsWith("dev.convnet");
        if (ours && message != null) {
            return Printable.text(message);
        }
        String text = ex.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        int nl = text.indexOf('\n');
        return Printable.text(nl < 0 ? text : text.substring(0, nl));
    }
}
