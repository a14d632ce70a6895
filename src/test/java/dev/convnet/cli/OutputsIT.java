package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.TestData;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.report.Charts;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON documents, pictures, the HTML report and predictions, as scripts and people get them. */
class OutputsIT {
    @TempDir
    static Path tmp;
    static Path data;
    static Path model;
    static InProcessCli.Run train;

    @BeforeAll
    static void trainSmallModel() throws IOException {
        data = TestData.subset(tmp.resolve("data"), 2_000, 500, false);
        model = tmp.resolve("m.zip");
        train = InProcessCli.run("train", "--epochs", "2", "--seed", "5", "--validation-split", "0.1", "--data", data.toString(),
                "--output", model.toString(), "--json");
    }

    @Test
    void trainJsonIsTheOnlyOutputAndCarriesTheRunRecord() throws IOException {
        assertEquals(0, train.exit(), train.err());
        JsonNode doc = new ObjectMapper().readTree(train.out()); // fails on anything but one JSON document
        assertEquals(2, doc.get("history").size());
        assertTrue(doc.get("history").get(0).has("val_loss"));
        double accuracy = doc.get("test").get("accuracy").asDouble();
        assertTrue(accuracy > 0.8 && accuracy <= 1, "accuracy " + accuracy);
        JsonNode run = doc.get("run");
        assertEquals(5, run.get("seed").asLong());
        assertEquals("mnist", run.get("dataset").asText());
        assertTrue(run.get("command").asText().startsWith("convnet train --epochs 2"));
        assertTrue(run.get("native").asText().contains("linux-x86_64"));
        assertEquals(64, run.get("sha256.train-images-idx3-ubyte").asText().length());
        assertTrue(run.get("test.accuracy").isNumber() && run.get("test.loss").isNumber(), run.toString());
        assertEquals(accuracy, run.get("test.accuracy").asDouble(), 1e-6);
    }

    @Test
    void historyChartIsAPngOfTheExpectedSize() throws IOException {
        BufferedImage chart = ImageIO.read(tmp.resolve("m.history.png").toFile());
        assertEquals(Charts.HISTORY_WIDTH, chart.getWidth());
        assertEquals(Charts.HISTORY_HEIGHT, chart.getHeight());
    }

    @Test
    void evaluateJsonMatchesTheTextFigures() throws IOException {
        InProcessCli.Run text = InProcessCli.run("evaluate", model.toString(), "--data", data.toString());
        InProcessCli.Run json = InProcessCli.run("evaluate", model.toString(), "--data", data.toString(), "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals(500, doc.get("images").asInt());
        assertEquals(10, doc.get("confusion_matrix").size());
        assertEquals(10, doc.get("per_class").size());
        assertTrue(text.out().contains(String.format(java.util.Locale.ROOT, "Test accuracy: %.3f", doc.get("accuracy").asDouble())));
        assertTrue(text.out().contains("Run record") && text.out().contains("sha256.t10k-images-idx3-ubyte"), text.out());
        assertEquals(5, doc.get("run").get("seed").asInt());
    }

    @Test
    void reportHoldsValidPicturesAndAnIndexPage() throws IOException {
        Path report = tmp.resolve("report");
        InProcessCli.Run run = InProcessCli.run("evaluate", model.toString(), "--data", data.toString(), "--report", report.toString());
        assertEquals(0, run.exit(), run.err());
        BufferedImage heat = ImageIO.read(report.resolve("confusion.png").toFile());
        assertEquals(Charts.HEATMAP_SIZE, heat.getWidth());
        assertEquals(Charts.HEATMAP_SIZE, heat.getHeight());
        BufferedImage gallery = ImageIO.read(report.resolve("misclassified.png").toFile());
        assertEquals(10 + 10 * (84 + 10), gallery.getWidth()); // ten 84-pixel tiles a row
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<img src=\"confusion.png\"") && html.contains("<img src=\"misclassified.png\""));
        assertTrue(html.contains("Test accuracy <b>"));
    }

    @Test
    void activationsDrawEveryConvolutionAndPoolingLayer() throws IOException {
        Path out = tmp.resolve("act");
        InProcessCli.Run run = InProcessCli.run("activations", model.toString(), "--index", "3", "--out", out.toString(),
                "--data", data.toString());
        assertEquals(0, run.exit(), run.err());
        String[] expected = {"01-conv2d.png", "02-max_pooling2d.png", "03-conv2d_1.png", "04-max_pooling2d_1.png", "05-conv2d_2.png"};
        for (String name : expected) {
            assertTrue(ImageIO.read(out.resolve(name).toFile()).getWidth() > 0, name);
        }
        BufferedImage first = ImageIO.read(out.resolve("01-conv2d.png").toFile());
        assertEquals(2 + 16 * (26 * 2 + 2), first.getWidth()); // 32 maps of 26x26, 16 a row, scaled 2x
        assertEquals(24 + 2 + 2 * (26 * 2 + 2), first.getHeight());
    }

    @Test
    void predictReadsPicturesAndReportsUnreadableOnesOnOneLineEach() throws IOException {
        float[] digit = new float[784];
        new MnistLoader(data).load(Split.TEST, 1).pixels().get(0, digit); // a 7
        Path photo = tmp.resolve("seven.png");
        ImageIO.write(TestData.darkInkOnWhite(digit, 8, 100, 30, java.awt.Color.WHITE), "png", photo.toFile());
        Path jpeg = tmp.resolve("seven.jpg");
        ImageIO.write(TestData.darkInkOnWhite(digit, 5, 10, 50, new java.awt.Color(240, 240, 220)), "jpg", jpeg.toFile());
        Path broken = Files.writeString(tmp.resolve("notes.png"), "not a picture");

        InProcessCli.Run run = InProcessCli.run("predict", model.toString(), photo.toString(), broken.toString(), jpeg.toString());
        assertEquals(1, run.exit(), "a failed image makes the exit code 1");
        assertTrue(run.out().lines().filter(l -> l.contains("seven.")).allMatch(l -> l.matches("\\S+  7 +\\d+\\.\\d%.*")), run.out());
        assertEquals(2, run.out().lines().count(), run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("notes.png: not a PNG, JPEG, GIF or BMP image"), run.err());

        // lines come in the order the pictures were given, a blank one's "no digit found" among them
        Path blank = tmp.resolve("blank.png");
        ImageIO.write(new BufferedImage(60, 60, BufferedImage.TYPE_BYTE_GRAY), "png", blank.toFile());
        InProcessCli.Run ordered = InProcessCli.run("predict", model.toString(), photo.toString(), blank.toString(), jpeg.toString());
        assertEquals(1, ordered.exit(), "a picture without a digit makes the exit code 1");
        List<String> lines = ordered.out().lines().toList();
        assertEquals(3, lines.size(), ordered.out());
        assertTrue(lines.get(0).startsWith(photo.toString()) && lines.get(2).startsWith(jpeg.toString()), ordered.out());
        assertTrue(lines.get(1).startsWith(blank.toString()) && lines.get(1).contains("no digit found"), ordered.out());

        InProcessCli.Run json = InProcessCli.run("predict", model.toString(), photo.toString(), broken.toString(), "--json");
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals(7, doc.get("predictions").get(0).get("class").asInt());
        assertEquals(3, doc.get("predictions").get(0).get("top").size());
        // every list names the picture the same way
        assertEquals(photo.toString(), doc.get("predictions").get(0).get("source").asText());
        assertEquals(broken.toString(), doc.get("errors").get(0).get("source").asText(), json.out());
        assertEquals("fp32", doc.get("precision").asText(), json.out()); // the arithmetic the answers came from

        InProcessCli.Run index = InProcessCli.run("predict", model.toString(), "--index", "0", "--data", data.toString());
        assertEquals(0, index.exit(), index.err());
        assertTrue(index.out().contains("True class:  7") && index.out().contains("█"), index.out());
    }
}
