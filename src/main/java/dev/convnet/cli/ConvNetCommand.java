package dev.convnet.cli;

import dev.convnet.engine.Engine;
import dev.convnet.model.ModelType;
import dev.convnet.model.Optimizer;
import dev.convnet.model.Padding;
import dev.convnet.platform.NativeRuntime;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * The {@code convnet} command: train, evaluate and summarise the book's MNIST convnet; its
 * subcommands, and the one place that turns what they throw into an exit code and one line.
 *
 * <p>Exit codes: 0 success, 1 a failure while running (bad file contents, I/O), 2 a usage error
 * (bad option, missing file). Errors are one line; {@code --verbose} adds the stack trace.
 */
@Command(name = "convnet", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Trains, evaluates and explains the MNIST convnet of Deep Learning with Python, ch. 8.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, SummaryCommand.class, HistoryCommand.class, PredictCommand.class,
            ActivationsCommand.class, ImportCommand.class, ExportCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class ConvNetCommand implements Runnable {
    public static final int EXIT_FAILURE = 1;
    /** A write to a pipe whose reader left: as a Unix tool ended by SIGPIPE (128 + 13). */
    public static final int EXIT_BROKEN_PIPE = 141;
    public static final int EXIT_USAGE = 2;

    @Mixin
    VerboseOption verboseOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: choose " + commandChoices(spec));
    }

    /** The registered subcommands but help, as "a, b or c": read from the spec so the list cannot drift. */
    static String commandChoices(CommandLine.Model.CommandSpec spec) {
        java.util.List<String> names = spec.subcommands().values().stream()
                .map(sub -> sub.getCommandName())
                .filter(name -> !"help".equals(name))
                .distinct()
                .toList();
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** The smallest Java heap convnet starts with, in MiB; its own data needs far more for any real input. */
    static final long MIN_HEAP_MIB = 64;

    /** Runs {@code convnet} with {@code args} as the JVM's main method does, and returns its exit code. */
    public static int main(String[] args) {
        boolean verbose = VerboseOption.given(args);
        if (verbose) {
            // slf4j-simple reads its level once, when the first logger is made: set it before that.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        System.setProperty("java.awt.headless", "true"); // charts and pictures are drawn off-screen
        // Numbers in files and in our aligned tables are ASCII digits whatever the user's locale (an
        // Arabic locale wrote Arabic-Indic digits into run records); the text is English anyway.
        Locale.setDefault(Locale.Category.FORMAT, Locale.ROOT);
        long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
        if (heapMiB < MIN_HEAP_MIB) {
            // Under a few tens of MiB, ND4J's native start-up itself can run out of memory, and JavaCPP
            // does not survive that (a native abort, seen at 20-32 MiB): refuse before touching it.
            System.err.println("convnet: error: the Java heap limit is " + heapMiB + " MiB; convnet needs at least "
                    + MIN_HEAP_MIB + " MiB: raise it (CONVNET_JAVA_OPTS=-Xmx512m, or -Xmx512m)");
            return EXIT_FAILURE;
        }
        NativeRuntime.configure();
        CommandLine cli = commandLine();
        // UTF-8 whatever the locale (LANG=C turned box-drawing and names like ü.png into '?'), and a
        // writer of our own over the file descriptor: System.out swallows write errors, this one records them.
        cli.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
        // Out of memory on another thread (a data loader, a server worker): one line, not the JVM's stack trace.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            OutOfMemoryError oom = ErrorLines.outOfMemoryIn(e);
            if (oom != null) {
                System.exit(ErrorLines.outOfMemory(oom, cli.getErr(), "convnet", verbose));
            }
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace();
        });
        int exit;
        try {
            exit = execute(cli, stdoutIsAPipe(), args);
        } catch (OutOfMemoryError e) {
            exit = ErrorLines.outOfMemory(e, cli.getErr(), "convnet", verbose);
        }
        return exit;
    }

    /**
     * Runs the command, then makes a failed write to stdout an error: {@code evaluate --json >
     * /dev/full} used to exit 0 with the output lost. Tests call this with their own writers.
     */
    public static int execute(CommandLine cli, String... args) {
        return execute(cli, false, args);
    }

    /**
     * As {@link #execute(CommandLine, String...)}, but a write that failed on a pipe (its reader left,
     * as {@code convnet evaluate | head -1} does) ends quietly with 141, as a Unix tool killed by
     * SIGPIPE does (128 + 13), instead of an error line about output nobody reads any more.
     */
    static int execute(CommandLine cli, boolean stdoutIsAPipe, String... args) {
        int exit = cli.execute(args);
        if (cli.getOut().checkError()) { // flushes first
            if (stdoutIsAPipe) {
                return EXIT_BROKEN_PIPE;
            }
            cli.getErr().println(cli.getCommandName() + ": error: could not write to standard output "
                    + "(closed, full or a broken pipe); the output is incomplete");
            cli.getErr().flush();
            return exit == 0 ? EXIT_FAILURE : exit;
        }
        return exit;
    }

    /** Whether this process's standard output is a pipe (Linux: /proc/self/fd/1 links to "pipe:[inode]"). */
    private static boolean stdoutIsAPipe() {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/1")).toString().startsWith("pipe:");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The configured command line; tests use it with their own output writers. */
    public static CommandLine commandLine() {
        ConvNetCommand app = new ConvNetCommand();
        CommandLine cli = new CommandLine(app);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Closed option sets read by their own names, with an error line that lists the choices.
        cli.registerConverter(Engine.class, id -> parse(Engine::fromId, id));
        cli.registerConverter(ModelType.class, id -> parse(ModelType::fromId, id));
        cli.registerConverter(Padding.class, id -> parse(Padding::fromId, id));
        cli.registerConverter(Optimizer.class, id -> parse(Optimizer::fromId, id));
        cli.registerConverter(dev.convnet.engine.Precision.class, id -> parse(dev.convnet.engine.Precision::fromId, id));
        // Numbers in words a person uses, not Java's type names ("'five' is not an int").
        CommandLine.ITypeConverter<Integer> whole = text -> number(Integer::valueOf, text, "a whole number, e.g. 5");
        CommandLine.ITypeConverter<Long> wholeLong = text -> number(Long::valueOf, text, "a whole number, e.g. 42");
        CommandLine.ITypeConverter<Double> real = text -> number(Double::valueOf, text, "a number, e.g. 0.5 or 1e-3");
        cli.registerConverter(Integer.class, whole).registerConverter(int.class, whole);
        cli.registerConverter(Long.class, wholeLong).registerConverter(long.class, wholeLong);
        cli.registerConverter(Double.class, real).registerConverter(double.class, real);
        cli.setParameterExceptionHandler(ErrorLines::usageError);
        // An Error passes picocli's handlers by: out of memory (a hostile file's declared sizes got past
        // a check, or a genuine input too large for the heap) becomes one line too.
        cli.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (Error | RuntimeException e) {
                // also out of memory inside a library's static initialiser (ND4J's, under a tiny heap),
                // which arrives wrapped in an ExceptionInInitializerError
                OutOfMemoryError oom = ErrorLines.outOfMemoryIn(e);
                if (oom == null) {
                    throw e;
                }
                java.util.List<CommandLine> chain = parseResult.asCommandLineList();
                CommandLine cmd = chain.get(chain.size() - 1);
                return ErrorLines.outOfMemory(oom, cmd.getErr(), cmd.getCommandSpec().qualifiedName(),
                        VerboseOption.isVerbose(cmd.getCommandSpec()));
            }
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            ParameterException usage = ErrorLines.asUsageError(ex, cmd);
            OutOfMemoryError oom = ErrorLines.outOfMemoryIn(ex);
            boolean verbose = VerboseOption.isVerbose(cmd.getCommandSpec());
            if (oom != null) {
                return ErrorLines.outOfMemory(oom, cmd.getErr(), cmd.getCommandSpec().qualifiedName(), verbose);
            }
            return usage != null ? ErrorLines.usageError(usage, parseResult.originalArgs().toArray(String[]::new))
                    : ErrorLines.failure(ex, cmd, verbose);
        });
        return cli;
    }

    private static <T> T number(java.util.function.Function<String, T> parser, String text, String expected) {
        try {
            return parser.apply(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is " + (text.strip().matches("[+-]?\\d+")
                    ? "out of range" : "not " + expected));
        }
    }

    private static <T> T parse(java.util.function.Function<String, T> fromId, String id) {
        try {
            return fromId.apply(id);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
