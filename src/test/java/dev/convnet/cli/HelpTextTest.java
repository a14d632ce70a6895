package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.ConvNet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} reads well in an 80-column terminal: no line is longer, and no
 * file name or dotted word is cut at its dot ("model." then "zip" on the next line), which
 * picocli's line breaking does when such a word falls on the edge.
 */
class HelpTextTest {
    /**
     * A line ending in a word's dot ("model." or a lone ".") whose next line goes on with the same
     * text in lower case or digits ("translation=0." then "08"): a continuation is flush left (a description under the usage line) or
     * indented past the two spaces that start a new option or command.
     */
    private static final Pattern CUT_AT_DOT = Pattern.compile("(?:[A-Za-z0-9_]\\.|\\s\\.)\\n(?: {3,})?[a-z_0-9]");

    @Test
    void everyCommandsHelpFitsEightyColumnsWithoutCuttingAWordAtItsDot() {
        CommandLine root = ConvNet.commandLine();
        List<CommandLine> commands = new java.util.ArrayList<>(root.getSubcommands().values());
        commands.add(root);
        for (CommandLine command : commands) {
            String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
            String name = command.getCommandName();
            assertTrue(help.lines().allMatch(line -> line.length() <= 80), name + ": a line over 80 columns:\n" + help);
            assertFalse(CUT_AT_DOT.matcher(help).find(), name + ": a word cut at its dot:\n" + help);
        }
    }

    /**
     * An option's description is one text that picocli wraps, its continuation lines indented two
     * columns: a second element of the description array starts a line two columns left of them.
     */
    @Test
    void everyOptionsDescriptionWrapsAsOneText() {
        CommandLine root = ConvNet.commandLine();
        List<CommandLine> commands = new java.util.ArrayList<>(root.getSubcommands().values());
        commands.add(root);
        for (CommandLine command : commands) {
            for (CommandLine.Model.ArgSpec arg : command.getCommandSpec().args()) {
                assertTrue(arg.description().length <= 1, command.getCommandName() + " " + (arg instanceof CommandLine.Model.OptionSpec o
                        ? o.longestName() : arg.paramLabel()) + ": a description of " + arg.description().length + " lines");
            }
        }
    }

    @Test
    void theAugmentDefaultsInTrainsHelpAreTheDefaults() {
        assertTrue(TrainCommand.AUGMENT_DEFAULTS_HELP.replace(", ", ",").equals(dev.convnet.data.augment.Augmentation.DEFAULTS_TEXT),
                TrainCommand.AUGMENT_DEFAULTS_HELP);
    }
}
