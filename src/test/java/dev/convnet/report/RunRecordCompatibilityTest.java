package dev.convnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.run.RunState;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Run records as convnet 0.1.0 wrote them into model zips on 2026-11-30 (a two-epoch training with
 * validation and augmentation, and a Keras import), with the {@code run} JSON and the summary text
 * that version printed for them: a newer version reads them, prints the same JSON and text, and
 * writes the same keys and values back. (One change on purpose, 2026-12-01: an imported model not yet
 * fine-tuned shows "trained outside convnet" and its fine-tuning settings where 0.1.0 printed
 * "epochs 0 of 1", "seed 1", which read as an unfinished run. Another, 2026-12-02: {@code test.loss} and
 * {@code test.accuracy} are JSON numbers where 0.1.0 wrote the record file's strings, "0.464600", and summary
 * prints them without the record's trailing zeros, 0.4646.)
 */
class RunRecordCompatibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"trained-0.1.0", "imported-0.1.0"})
    void recordsWrittenBeforeReadPrintAndWriteTheSame(String name) throws IOException {
        String written = resource(name + ".properties");
        RunState state = RunState.fromText(written);

        assertEquals(JSON.writeValueAsString(JSON.readTree(resource(name + ".run.json"))),
                JSON.writeValueAsString(Json.run(state)), "the run JSON of evaluate/train --json");
        assertEquals(resource(name + ".txt"), RunRecordText.render(state), "the run record of summary");
        assertEquals(properties(written), properties(state.toText()), "every key and value written back");
        assertEquals(state, RunState.fromText(state.toText()));
    }

    private static Properties properties(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RunRecordCompatibilityTest.class.getResourceAsStream("/run-records/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
