package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convnet history}: two real saved runs, side by side, as their run records hold them. */
class HistoryCommandIT {
    @TempDir
    static Path tmp;
    static Path a;
    static Path b;
    static JsonNode trainedA;
    static JsonNode trainedB;

    @BeforeAll
    static void trainTwoModels() throws IOException {
        Path data = TestData.subset(tmp.resolve("data"), 256, 64, false);
        a = tmp.resolve("a.zip");
        b = tmp.resolve("b.zip");
        trainedA = train("--epochs", "3", "--seed", "1", "-o", a.toString(), "--data", data.toString());
        trainedB = train("--epochs", "2", "--seed", "2", "--validation-split", "0.25", "-o", b.toString(), "--data", data.toString());
    }

    private static JsonNode train(String... args) throws IOException {
        InProcessCli.Run run = InProcessCli.run(concat(List.of("train", "--json"), args));
        assertEquals(0, run.exit(), run.err());
        return new ObjectMapper().readTree(run.out());
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    /** A model file named with a terminal escape and a newline: shown escaped, the table keeps its lines. */
    @Test
    void aHostileFileNameCannotDriveTheTerminal() throws IOException {
        Path hostile = java.nio.file.Files.copy(b, tmp.resolve("h\u001b[2Jx\nl.zip"));
        InProcessCli.Run run = InProcessCli.run("history", a.toString(), hostile.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(2 + 3, run.out().lines().count(), run.out());
        assertTrue(run.out().replace("\n", "").codePoints().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0)), run.out());
        assertTrue(run.out().lines().findFirst().orElse("").contains(dev.convnet.report.Printable.text("h\u001b[2Jx\nl.zip")), run.out());
    }

    @Test
    void printsEachEpochOfEachRunSideBySide() {
        InProcessCli.Run run = InProcessCli.run("history", a.toString(), b.toString());
        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(2 + 3, lines.size(), run.out()); // names, column heads, epochs 1..3
        assertTrue(lines.get(0).contains("a.zip") && lines.get(0).indexOf("b.zip") > lines.get(0).indexOf("a.zip"), lines.get(0));
        assertTrue(lines.get(1).matches("epoch\\s+loss\\s+accuracy\\s+seconds\\s+loss\\s+accuracy\\s+val_loss\\s+val_accuracy\\s+seconds"),
                lines.get(1));
        for (int e = 0; e < 3; e++) {
            JsonNode ea = trainedA.get("history").get(e);
            String row = lines.get(2 + e);
            assertTrue(row.startsWith(String.format(Locale.ROOT, "%5d", e + 1)), row);
            assertTrue(row.contains(String.format(Locale.ROOT, "%.4f", ea.get("loss").asDouble())), row);
            if (e < 2) {
                JsonNode eb = trainedB.get("history").get(e);
                assertTrue(row.contains(String.format(Locale.ROOT, "%.4f", eb.get("val_accuracy").asDouble())), row);
            } else {
                assertEquals(4, row.trim().split("\\s+").length, row); // b has no third epoch: a's cells only
            }
        }
        int column = lines.get(1).indexOf("val_loss") + "val_loss".length();
        assertTrue(lines.get(2).length() >= column && lines.get(2).charAt(column - 1) != ' ', "aligned: " + run.out());
    }

    @Test
    void columnsAreHeadedByFileNamesAndByPathsOnlyWhenNamesRepeat() throws IOException {
        String first = InProcessCli.run("history", a.toString(), b.toString()).out().lines().findFirst().orElseThrow();
        assertEquals(List.of("a.zip", "b.zip"), List.of(first.trim().split("\\s+")), "no folder widens the table: " + first);

        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere")).resolve("a.zip");
        Files.copy(a, elsewhere);
        String both = InProcessCli.run("history", a.toString(), elsewhere.toString()).out().lines().findFirst().orElseThrow();
        assertTrue(both.contains(elsewhere.getParent().getFileName() + "/a.zip"), "the same name twice: paths tell them apart: " + both);
    }

    @Test
    void aModelWithoutEpochsSaysSo() {
        Path imported = tmp.resolve("imported.zip");
        InProcessCli.Run run = InProcessCli.run("import", Path.of("src/test/resources/keras/book.keras").toString(), "-o",
                imported.toString());
        assertEquals(0, run.exit(), run.err());
        InProcessCli.Run history = InProcessCli.run("history", a.toString(), imported.toString());
        assertEquals(0, history.exit(), history.err());
        assertTrue(history.out().contains("imported.zip: no epochs trained by convnet"), history.out());
        assertEquals(2 + 3 + 1, history.out().lines().count(), history.out()); // a's 3 epochs, then the line
    }

    /**
     * A run that early stopping ended records whose weights the model holds (the epoch it names on the
     * console), and summary and history say so: the history lists the later epochs too.
     */
    @Test
    void anEarlyStoppedModelSaysWhichEpochsWeightsItHolds() throws IOException {
        Path data = TestData.subset(tmp.resolve("es-data"), 600, 100, false);
        Path model = tmp.resolve("es.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--epochs", "15", "--validation-split", "0.2", "--early-stopping", "1",
                "--lr", "0.01", "--seed", "4", "--data", data.toString(), "-o", model.toString());
        assertEquals(0, train.exit(), train.err());
        java.util.regex.Matcher restored = java.util.regex.Pattern.compile("keeping the weights of epoch (\\d+), the lowest val_loss")
                .matcher(train.out());
        assertTrue(restored.find(), "a learning rate of 0.01 on 480 images overfits within 15 epochs: " + train.out());
        int epoch = Integer.parseInt(restored.group(1));
        InProcessCli.Run history = InProcessCli.run("history", model.toString());
        assertTrue(history.out().endsWith("es.zip: the model holds epoch " + epoch + "'s weights (early stopping kept the lowest "
                + "val_loss of that run's epochs)\n"), history.out());
        InProcessCli.Run json = InProcessCli.run("history", "--json", model.toString());
        JsonNode run = new ObjectMapper().readTree(json.out()).get("models").get(0).get("run");
        assertEquals(epoch, run.get("kept.epoch").asInt(), run.toString());
        assertTrue(run.get("epochs").asInt() > epoch, run.toString());
        InProcessCli.Run summary = InProcessCli.run("summary", model.toString());
        assertTrue(summary.out().contains("patience 1; the model holds epoch " + epoch + "'s weights (the lowest val_loss of that run's"
                + " epochs)"), summary.out());
        assertFalse(summary.out().contains("kept.epoch"), "said in words, not as the raw key: " + summary.out());

        // resumed for one more epoch, that epoch is both the run's best and its last: the model holds the last weights
        InProcessCli.Run resumed = InProcessCli.run("train", "--resume", model.toString(), "--epochs", String.valueOf(
                run.get("epochs").asInt() + 1), "--data", data.toString(), "-o", tmp.resolve("es2.zip").toString());
        assertEquals(0, resumed.exit(), resumed.err());
        JsonNode after = new ObjectMapper().readTree(InProcessCli.run("history", "--json", tmp.resolve("es2.zip").toString()).out())
                .get("models").get(0).get("run");
        assertFalse(after.has("kept.epoch"), after.toString());
    }

    /** A Keras file has no run: --json says so (null) rather than import's defaults as if they were the file's. */
    @Test
    void aKerasFileHasNoRunInJson() throws IOException {
        InProcessCli.Run run = InProcessCli.run("history", "--json", Path.of("src/test/resources/keras/book.keras").toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode model = new ObjectMapper().readTree(run.out()).get("models").get(0);
        assertTrue(model.has("run") && model.get("run").isNull(), model.toString());
        assertEquals(0, model.get("history").size(), model.toString());
    }

    @Test
    void jsonCarriesEachModelsRecord() throws IOException {
        InProcessCli.Run run = InProcessCli.run("history", "--json", a.toString(), b.toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode models = new ObjectMapper().readTree(run.out()).get("models");
        assertEquals(2, models.size());
        assertEquals(trainedA.get("history"), models.get(0).get("history"));
        assertEquals(trainedB.get("history"), models.get(1).get("history"));
        assertEquals(2, models.get(1).get("run").get("seed").asInt());
    }

    @Test
    void aMissingOrForeignFileIsOneLine() throws IOException {
        // one of several missing: the others are shown, the missing one said, exit 1 (a new user's finding: all aborted)
        InProcessCli.Run missing = InProcessCli.run("history", a.toString(), tmp.resolve("none.zip").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().startsWith("convnet history: model file " + tmp.resolve("none.zip") + " not found"), missing.err());
        assertEquals(InProcessCli.run("history", a.toString()).out(), missing.out(), "a's table, as alone");
        InProcessCli.Run alone = InProcessCli.run("history", tmp.resolve("none.zip").toString());
        assertEquals(2, alone.exit());
        assertTrue(alone.err().startsWith("convnet history: model file " + tmp.resolve("none.zip") + " not found"), alone.err());
        assertTrue(alone.out().isEmpty(), "nothing printed before the error: " + alone.out());
        Path junk = Files.writeString(tmp.resolve("junk.zip"), "not a zip");
        InProcessCli.Run bad = InProcessCli.run("history", junk.toString());
        assertEquals(1, bad.exit(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }
}
