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
            String option = unavailable.option(); // null: the message names it (--precision bf16 needs ...)
            return new ParameterException(cmd, option == null ? unavailable.getMessage() : option + ": " + unavailable.getMessage(), ex);
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
        String message = ex instanceof CommandLine.UnmatchedArgumentException unmatched ? unmatched(unmatched, name)
                : contradiction(ex, args).orElse(ex.getMessage());
        err.println(name + ": " + Printable.text(message));
        if (VerboseOption.isVerbose(cmd.getCommandSpec())) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ConvNetCommand.EXIT_USAGE;
    }

    /**
     * An unknown option, command or extra argument, with what was probably meant (an option or
     * command name within a typo or two of it, or starting with it) and where to look: one line,
     * where picocli prints two or three and suggests by its own measure ({@code --prot}: --precision).
     */
    private static String unmatched(CommandLine.UnmatchedArgumentException ex, String name) {
        CommandLine cmd = ex.getCommandLine();
        List<String> given = ex.getUnmatched();
        Optional<String> option = given.stream().filter(a -> a.startsWith("-") && a.length() > 1).findFirst();
        boolean commands = !cmd.getSubcommands().isEmpty();
        String what;
        java.util.Collection<String> known;
        if (option.isPresent()) { // '--epoch 1': the 1 is the unknown option's value, not a second mistake
            what = "unknown option '" + option.get().replaceFirst("=.*", "") + "'";
            known = cmd.getCommandSpec().options().stream().filter(o -> !o.hidden()).map(o -> o.longestName()).toList();
        } else if (commands && !given.isEmpty()) {
            what = "unknown command '" + given.get(0) + "'";
            known = cmd.getSubcommands().keySet();
        } else {
            what = "unexpected argument" + (given.size() == 1 ? " '" + given.get(0) + "'" : "s " + given.stream()
                    .map(a -> "'" + a + "'").collect(java.util.stream.Collectors.joining(", ")));
            known = List.of();
        }
        String typed = option.map(o -> o.replaceFirst("=.*", "")).orElse(given.isEmpty() ? "" : given.get(0));
        List<String> meant = known.stream().filter(k -> Typos.near(typed, k)).sorted().toList();
        return what + (meant.isEmpty() ? "" : "; did you mean " + String.join(" or ", meant) + "?")
                + " (" + name + " --help " + (option.isEmpty() && commands ? "lists the commands" : option.isPresent()
                ? "lists the options" : "shows what it takes") + ")";
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
