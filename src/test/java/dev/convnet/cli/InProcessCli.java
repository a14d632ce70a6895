package dev.convnet.cli;

import dev.convnet.ConvNet;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in this JVM, as a user's command line would, capturing what it prints. */
public final class InProcessCli {
    private InProcessCli() {
    }

    /** What a run left: its exit code and everything it printed to standard output and error. */
    public record Run(int exit, String out, String err) {
    }

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = ConvNet.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
