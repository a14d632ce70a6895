package dev.convnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** What --json prints reaches terminals: no control character raw, and the same strings to any JSON reader. */
class JsonTest {
    @Property(tries = 300)
    void stringsRoundTripWithNoControlCharacterRaw(@ForAll String name) throws Exception {
        String written = Json.write(Map.of("file", name));
        assertTrue(written.replace("\n", "").codePoints().noneMatch(c -> c < 0x20 || c >= 0x7F && c <= 0x9F
                || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069), written);
        assertEquals(name, new ObjectMapper().readTree(written).get("file").asText());
    }

    @org.junit.jupiter.api.Test
    void c1ControlsAndBidiOverridesAreEscaped() {
        String written = Json.write(Map.of("file", "a\u009b[2Jb\u202ec\u007fd é"));
        assertTrue(written.contains("a\\u009B[2Jb\\u202Ec\\u007Fd é"), written);
    }
}
