package dev.convnet.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code -v, --verbose}: library logging and full stack traces. A mixin of the root command whose
 * option every subcommand inherits, so it is declared once and set wherever it is given
 * ({@code convnet -v train} or {@code convnet train -v}).
 */
public final class VerboseOption {
    private static final List<String> NAMES = List.of("-v", "--verbose");

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show library logging and full stack traces.")
    boolean verbose;

    /** Whether --verbose was given on the command line {@code command} belongs to. */
    static boolean isVerbose(CommandSpec command) {
        return command.root().mixins().values().stream().map(CommandSpec::userObject)
                .anyMatch(mixin -> mixin instanceof VerboseOption option && option.verbose);
    }

    /**
     * Whether {@code args} hold --verbose, read before they are parsed: logging is set up before
     * the first logger is made, and an error may stop the parse before the option is reached.
     */
    static boolean given(String[] args) {
        for (String arg : args) {
            if (NAMES.contains(arg)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Without --verbose, Javalin's and Jetty's own log lines stay out of the way: Javalin logs a
     * failed start (a port in use) as an ERROR with a stack trace before it throws, and the command
     * says it in one line instead. slf4j-simple reads these as each logger is made, so this runs
     * before a server is built.
     */
    static void quietWebServerUnless(boolean verbose) {
        if (!verbose) {
            System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "off");
            System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "error");
        }
    }
}
