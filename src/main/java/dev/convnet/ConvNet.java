package dev.convnet;

import dev.convnet.cli.ConvNetCommand;
import picocli.CommandLine;

/** The {@code convnet} program: its main method, and the command line tests run in this JVM. See {@link ConvNetCommand}. */
public final class ConvNet {
    private ConvNet() {
    }

    public static void main(String[] args) {
        System.exit(ConvNetCommand.main(args));
    }

    /** The configured command line; tests use it with their own output writers. */
    public static CommandLine commandLine() {
        return ConvNetCommand.commandLine();
    }

    /** {@link ConvNetCommand#execute}: runs the command, then makes a failed write to stdout an error. */
    public static int execute(CommandLine cli, String... args) {
        return ConvNetCommand.execute(cli, args);
    }
}
