package dev.convnet.cli;

import static dev.convnet.cli.InProcessCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.DataFormatException;
import dev.convnet.data.Dataset;
import dev.convnet.data.IdxFile;
import dev.convnet.data.IdxReader;
import dev.convnet.data.ImageFolder;
import dev.convnet.data.augment.Augmentation;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --augment} and {@code evaluate MODEL --images DIR} as a user meets them: a folder
 * of real MNIST digits saved as dark-on-light pictures, one that is not a picture, a blank page.
 */
class ImagesEvaluateIT {
    @TempDir
    Path tmp;

    @Test
    void badAugmentValuesAreOneLineUsageErrors() {
        for (String[] bad : List.of(new String[] {"rotation=7", "--augment rotation must be between 0 and 0.5, got 7"},
                new String[] {"zoom=big", "--augment zoom must be a number, got 'big'"},
                new String[] {"skew=0.2", "--augment unknown key 'skew'"},
                new String[] {"stroke", "--augment 'stroke' is not key=value"})) {
            InProcessCli.Run result = run("train", "--augment", bad[0], "-o", tmp.resolve("m.zip").toString());
            assertEquals(2, result.exit(), result.err());
            assertTrue(result.err().lines().findFirst().orElse("").contains(bad[1]), result.err());
            assertFalse(result.err().contains("\tat "), "no stack trace");
        }
    }

    @Test
    void badWeightAverageSettingsAreOneLineUsageErrors() {
        for (String[] bad : List.of(new String[] {"--ema-momentum=1", "--ema-momentum must be above 0 and below 1"},
                new String[] {"--ema-momentum=-0.5", "--ema-momentum must be above 0 and below 1"},
                new String[] {"--ema-momentum=0 --augment", "--ema-momentum must be above 0 and below 1"},
                new String[] {"--ema-momentum=0.9 --no-ema", "--ema-momentum averages the weights, --no-ema does not"},
                new String[] {"--ema --no-ema", "--ema and --no-ema contradict each other: give one of them"},
                new String[] {"--no-ema --augment --ema", "--ema and --no-ema contradict each other: give one of them"})) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "-o", tmp.resolve("m.zip").toString()));
            args.addAll(List.of(bad[0].split(" ")));
            InProcessCli.Run result = run(args.toArray(String[]::new));
            assertEquals(2, result.exit(), result.err());
            assertTrue(result.err().lines().findFirst().orElse("").contains(bad[1]), result.err());
            assertFalse(result.err().contains("\tat "), "no stack trace");
        }
    }

    @Test
    void anAugmentedModelIsEvaluatedOnAFolderOfPictures() throws IOException {
        Path data = TestData.subset(tmp.resolve("data"), 640, 100, false);
        Path model = tmp.resolve("m.zip");
        InProcessCli.Run train = run("train", "--epochs", "1", "--seed", "3", "--augment", "stroke=1,rotation=0.05",
                "--data", data.toString(), "-o", model.toString());
        assertEquals(0, train.exit(), train.err());

        Path pictures = tmp.resolve("pictures");
        int written = writeDigits(pictures, 30);
        Files.write(pictures.resolve("3/broken.png"), "not a picture at all".getBytes());
        BufferedImage blank = new BufferedImage(200, 150, BufferedImage.TYPE_INT_RGB);
        blank.getGraphics().fillRect(0, 0, 200, 150); // white paper, nothing written
        ImageIO.write(blank, "png", pictures.resolve("5/blank.png").toFile());
        Files.write(pictures.resolve("5/.DS_Store"), new byte[] {1, 2, 3}); // hidden files are not pictures
        Files.write(pictures.resolve("5/Thumbs.db"), new byte[0]); // named as no picture is: ignored, as Keras does

        InProcessCli.Run json = run("evaluate", model.toString(), "--images", pictures.toString(), "--json");
        assertEquals(1, json.exit(), "a picture could not be read: a partial result, said in the exit code: " + json.err());
        assertEquals("convnet evaluate: 1 of " + (written + 2) + " pictures in " + pictures + " could not be read (\"unreadable\" in the JSON); "
                + "the figures cover the " + written + " evaluated", json.err().strip());
        String doc = json.out();
        String compact = doc.replaceAll("\\s", "");
        assertTrue(compact.contains("\"pictures\":" + (written + 2)), doc);
        assertTrue(compact.contains("\"evaluated\":" + written), doc);
        assertTrue(compact.contains("\"precision\":\"fp32\""), doc);
        assertTrue(compact.contains("\"images\":" + written), doc); // the test set's figures, over the evaluated pictures
        assertTrue(doc.contains("broken.png") && doc.contains("not a PNG, JPEG, GIF or BMP image"), doc);
        assertTrue(compact.contains("\"no_digit\":[\"" + pictures.resolve("5/blank.png") + "\"]"), doc);
        assertTrue(compact.contains("\"augment\":\"" + Augmentation.parse("stroke=1,rotation=0.05") + "\""), doc);
        assertTrue(compact.contains("\"ema_momentum\":0.99"), "--augment averages the weights unless --no-ema: " + doc);
        assertFalse(doc.contains(".DS_Store"), doc);
        assertTrue(compact.contains("\"ignored\":[\"" + pictures.resolve("5/Thumbs.db") + "\"]"), doc);
        assertFalse(compact.contains("\"file\":\"" + pictures.resolve("5/Thumbs.db")), "not counted unreadable: " + doc);
        if (dev.convnet.engine.Precision.BF16.unavailableReason() == null && dev.convnet.engine.Precision.BF16.slowerHereReason() == null) {
            // --precision reaches the pictures' forward passes: bf16 rounds, so its loss is not float32's to the last digit
            InProcessCli.Run bf16 = run("evaluate", model.toString(), "--images", pictures.toString(), "--json", "--precision", "bf16");
            assertEquals(1, bf16.exit(), bf16.err());
            assertNotEquals(number(doc, "loss"), number(bf16.out(), "loss"), bf16.out());
            assertEquals(number(doc, "accuracy"), number(bf16.out(), "accuracy"), 0.1, bf16.out());
            assertTrue(bf16.out().replaceAll("\\s", "").contains("\"precision\":\"bf16\""), bf16.out());
            InProcessCli.Run bf16Text = run("evaluate", model.toString(), "--images", pictures.toString(), "--precision", "bf16");
            assertTrue(bf16Text.out().contains("\nPrecision: bf16 (oneDNN engine; the model's weights are float32)\n"), bf16Text.out());
        }

        Path report = tmp.resolve("report");
        InProcessCli.Run text = run("evaluate", model.toString(), "--images", pictures.toString(), "--report", report.toString());
        assertEquals(1, text.exit(), text.err());
        assertTrue(text.err().contains("could not be read (listed above)"), text.err());
        assertTrue(text.out().startsWith((written + 2) + " pictures in "), text.out());
        assertTrue(text.out().lines().findFirst().orElse("").endsWith("; 1 other file ignored (not .png, .jpg, .jpeg, .gif or .bmp, "
                + "e.g. 5/Thumbs.db)"), text.out());
        assertTrue(text.out().contains("Accuracy: "), text.out());
        assertTrue(text.out().contains("Confusion matrix (rows: true class, columns: predicted class)"), text.out());
        assertTrue(text.out().contains("Unreadable pictures (skipped)"), text.out());
        assertTrue(text.out().contains("No digit found on"), text.out());
        String html = Files.readString(report.resolve("index.html"));
        // a report inside the pictures would replace them and be read as pictures next time
        InProcessCli.Run inside = run("evaluate", model.toString(), "--images", pictures.toString(), "--report", pictures.resolve("7").toString());
        assertEquals(2, inside.exit(), inside.err());
        assertTrue(inside.err().contains("is inside the --images folder"), inside.err());
        Files.delete(pictures.resolve("3/broken.png"));
        InProcessCli.Run readable = run("evaluate", model.toString(), "--images", pictures.toString());
        assertEquals(0, readable.exit(), readable.err());
        assertEquals("", readable.err().strip());
        assertTrue(html.contains("misread.png") && html.contains("broken.png") && html.contains("blank.png"), html);
        assertTrue(ImageIO.read(report.resolve("misread.png").toFile()).getWidth() > 100);
        assertTrue(Files.size(report.resolve("confusion.png")) > 1000);
    }

    @Test
    void classFoldersAreNamedByIndexOrByClassName() throws IOException {
        Path dir = tmp.resolve("fashion");
        for (String name : List.of("T-shirt_top", "ankle boot", "3", "Trouser")) {
            Files.createDirectories(dir.resolve(name));
            Files.write(dir.resolve(name).resolve("a.png"), new byte[] {1});
        }
        List<ImageFolder.Picture> pictures = ImageFolder.list(dir, Dataset.FASHION_MNIST.classNames()).pictures();
        assertEquals(List.of(0, 1, 3, 9), pictures.stream().map(ImageFolder.Picture::label).toList());

        Files.createDirectories(dir.resolve("cats"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> ImageFolder.list(dir, Dataset.FASHION_MNIST.classNames()));
        assertTrue(e.getMessage().contains("cats names no class: use 0 to 9 or one of T-shirt/top, Trouser"), e.getMessage());
        DataFormatException digits = assertThrows(DataFormatException.class, () -> ImageFolder.list(dir, Dataset.MNIST.classNames()));
        assertTrue(digits.getMessage().endsWith("names no class: use 0 to 9"), "MNIST's names are its indices: " + digits.getMessage());
        // a folder laid out wrongly is the user's to fix: a usage error (exit 2), as a wrong option is
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        Files.write(flat.resolve("a.png"), new byte[] {1});
        Path model = Path.of("src/test/resources/keras/book.keras");
        InProcessCli.Run layout = run("evaluate", model.toString(), "--images", flat.toString());
        assertEquals(2, layout.exit(), layout.err());
        assertEquals("convnet evaluate: --images: " + flat + " has no class folders: put each class's pictures in a sub-folder "
                + "named by its index, 0 to 9", layout.err().strip());
        InProcessCli.Run run = run("evaluate", "m.zip", "--images", tmp.resolve("nowhere").toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("--images " + tmp.resolve("nowhere") + " does not exist"), run.err());
    }

    /** MNIST test digits, dark ink on white paper at 4× size, in one folder per label; returns how many. */
    private static int writeDigits(Path dir, int count) throws IOException {
        IdxFile images = new IdxReader().read(TestData.mnist().resolve("t10k-images-idx3-ubyte"), 3);
        IdxFile labels = new IdxReader().read(TestData.mnist().resolve("t10k-labels-idx1-ubyte"), 1);
        for (int i = 0; i < count; i++) {
            BufferedImage picture = new BufferedImage(112, 112, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 112; y++) {
                for (int x = 0; x < 112; x++) {
                    int v = 255 - (images.data()[i * 784 + (y / 4) * 28 + x / 4] & 0xFF);
                    picture.setRGB(x, y, (v << 16) | (v << 8) | v);
                }
            }
            Path folder = dir.resolve(String.valueOf(labels.data()[i]));
            Files.createDirectories(folder);
            ImageIO.write(picture, "png", folder.resolve("digit-" + i + ".png").toFile());
        }
        for (int c = 0; c < 10; c++) { // the broken file and the blank page need these two
            Files.createDirectories(dir.resolve(String.valueOf(c)));
        }
        return count;
    }

    private static double number(String json, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
