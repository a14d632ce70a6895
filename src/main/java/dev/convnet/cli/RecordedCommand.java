package dev.convnet.cli;

import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line a run record keeps, as a shell would take it back: an argument with a space or a
 * character the shell reads ({@code -o '/home/Ana Smith/m.zip'}) is quoted in POSIX single quotes,
 * so the recorded command can be pasted to run again, and a path in it stays one word (which lets
 * the servers publish its file name alone).
 */
final class RecordedCommand {
    /** What a shell takes literally in a word: nothing else needs quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,+@%-]+");

    private RecordedCommand() {
    }

    /** {@code convnet} and the arguments as given, each quoted where the shell needs it. */
    static String of(CommandSpec spec) {
        return of(spec.commandLine().getParseResult().originalArgs());
    }

    static String of(List<String> args) {
        StringBuilder b = new StringBuilder("convnet");
        for (String arg : args) {
            b.append(' ').append(PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
