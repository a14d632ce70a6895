package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** The recorded command, given to a real shell, is the arguments as they were given. */
class RecordedCommandTest {
    @Property(tries = 25)
    void theShellReadsBackTheArguments(@ForAll @Size(min = 1, max = 4)
            List<@StringLength(min = 1, max = 12) @net.jqwik.api.constraints.CharRange(from = ' ', to = '~') String> args)
            throws Exception {
        String command = RecordedCommand.of(args);
        Process p = new ProcessBuilder("/bin/sh", "-c", "set -f; printf '%s\\0' " + command.substring("convnet ".length()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals(args, Arrays.asList(out.substring(0, out.length() - 1).split("\0", -1)), command);
    }

    @org.junit.jupiter.api.Test
    void plainArgumentsStayPlainAndSpacesAreQuoted() {
        assertEquals("convnet train --epochs 5 -o '/home/Ana Smith/m.zip' --augment stroke=1,rotation=0.05",
                RecordedCommand.of(List.of("train", "--epochs", "5", "-o", "/home/Ana Smith/m.zip", "--augment", "stroke=1,rotation=0.05")));
        assertEquals("convnet predict 'it'\\''s.png'", RecordedCommand.of(List.of("predict", "it's.png")));
    }
}
