package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST from Debian's gzipped files, and models that remember their dataset. */
class DatasetIT {
    @TempDir
    Path tmp;

    @Test
    void readsFashionMnistFromTheGzippedFiles() {
        LabeledImages test = new MnistLoader(TestData.fashion()).load(Split.TEST, 0);
        assertArrayEquals(new long[] {10_000, 1, 28, 28}, test.images().shape());
        assertEquals(9, test.classes()[0]); // the first test image is an ankle boot
        assertEquals(1.0, test.images().maxNumber().doubleValue(), 1e-6);
    }

    @Test
    void evaluateUsesTheModelsDatasetAndClassNames() throws IOException {
        Path data = fashionSubset(tmp.resolve("fashion"), 640, 300);
        Path model = tmp.resolve("fashion.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--dataset", "fashion-mnist", "--data", data.toString(), "--epochs", "1",
                "--seed", "1", "--validation-split", "0.25", "--output", model.toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().contains("Training on 480 fashion-mnist images (validating on 160)"), train.out());
        assertTrue(train.out().contains("- val_loss: "), train.out());

        InProcessCli.Run evaluate = InProcessCli.run("evaluate", model.toString(), "--data", data.toString());
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertTrue(evaluate.out().contains("Ankle boot") && evaluate.out().contains("T-shirt/top"), evaluate.out());
        assertFalse(evaluate.err().contains("Note:"), evaluate.err());

        InProcessCli.Run elsewhere = InProcessCli.run("evaluate", model.toString(), "--dataset", "mnist", "--data",
                TestData.mnist().toString());
        assertEquals(0, elsewhere.exit(), elsewhere.err());
        assertTrue(elsewhere.err().contains("Note: " + model + " was trained on fashion-mnist; this runs it on mnist, "
                + "whose classes it never saw"), elsewhere.err());

        // predict would print a garment model's answers with digits' names: refused, as serve refuses it
        InProcessCli.Run predict = InProcessCli.run("predict", model.toString(), "--dataset", "mnist", "--data",
                TestData.mnist().toString(), "--index", "0");
        assertEquals(2, predict.exit(), predict.out());
        assertEquals("convnet predict: " + model + " was trained on fashion-mnist (its run record says so); --dataset mnist "
                + "would label its answers with another dataset's classes: leave --dataset out", predict.err().strip());
        assertEquals("", predict.out());
        InProcessCli.Run activations = InProcessCli.run("activations", model.toString(), "--dataset", "mnist", "--data",
                TestData.mnist().toString(), "--index", "0", "--out", tmp.resolve("maps").toString());
        assertEquals(2, activations.exit(), activations.out());
        assertTrue(activations.err().contains("would label its answers with another dataset's classes"), activations.err());
        assertFalse(Files.exists(tmp.resolve("maps")), "nothing written");

        // --data at another published dataset's folder: told so, not read under the model's class names
        InProcessCli.Run digits = InProcessCli.run("predict", model.toString(), "--data", TestData.mnist().toString(), "--index", "0");
        assertEquals(2, digits.exit(), digits.out());
        assertEquals("convnet predict: " + TestData.mnist() + " holds mnist's files, and the model reads fashion-mnist's; give --data "
                + "a folder of fashion-mnist's files", digits.err().strip());
    }

    /**
     * A folder is known by its test labels (the published files, plain or gzipped), so a train
     * pointed at Fashion-MNIST's files without --dataset is refused before it records them as MNIST.
     */
    @Test
    void aFolderOfAnotherPublishedDatasetIsRefusedByName() throws IOException {
        assertEquals(java.util.Optional.of(dev.convnet.data.Dataset.MNIST),
                dev.convnet.data.Dataset.ofTestLabels(new MnistLoader(TestData.mnist()).testLabelsSha256()));
        assertEquals(java.util.Optional.of(dev.convnet.data.Dataset.FASHION_MNIST),
                dev.convnet.data.Dataset.ofTestLabels(new MnistLoader(TestData.fashion()).testLabelsSha256()), "read inside its .gz");
        assertEquals(java.util.Optional.empty(), dev.convnet.data.Dataset.ofTestLabels(
                new MnistLoader(fashionSubset(tmp.resolve("subset"), 64, 64)).testLabelsSha256()), "a subset is one's own data");
        Path out = tmp.resolve("boots.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--data", TestData.fashion().toString(), "--epochs", "1", "--limit", "64",
                "--output", out.toString());
        assertEquals(2, train.exit(), train.out());
        assertTrue(train.err().contains("holds fashion-mnist's files, and train reads mnist without --dataset; "
                + "to train on them, add --dataset fashion-mnist"), train.err());
        assertFalse(Files.exists(out));
    }

    /**
     * Pictures of garments are prepared as Fashion-MNIST's were made, not as digits: its test images
     * as product photos (dark on white, four times the size, a white margin, JPEG) score what the
     * same images score from the IDX file, within a few pictures (the digit stages had squeezed a boot
     * into a sneaker: 0.287 against 0.746 when found).
     */
    @Test
    void picturesOfGarmentsScoreWhatTheTestImagesScore() throws IOException {
        Path data = fashionSubset(tmp.resolve("fashion"), 2_000, 200);
        Path model = trainFashion(data, 2);
        LabeledImages test = new MnistLoader(data).load(Split.TEST, 0);
        Path pictures = tmp.resolve("photos");
        for (int i = 0; i < test.size(); i++) {
            java.awt.image.BufferedImage photo = new java.awt.image.BufferedImage(28 * 4 + 40, 28 * 4 + 40,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            float[] pixels = test.image(i);
            for (int y = 0; y < photo.getHeight(); y++) {
                for (int x = 0; x < photo.getWidth(); x++) {
                    int sx = (x - 20) / 4;
                    int sy = (y - 20) / 4;
                    boolean inside = x >= 20 && y >= 20 && sx < 28 && sy < 28;
                    int grey = Math.round(255 * (1 - (inside ? pixels[sy * 28 + sx] : 0))); // Zalando's photos: white ground
                    photo.setRGB(x, y, grey * 0x010101);
                }
            }
            Path folder = Files.createDirectories(pictures.resolve(String.valueOf(test.classes()[i])));
            javax.imageio.ImageIO.write(photo, "jpeg", folder.resolve(i + ".jpg").toFile());
        }
        InProcessCli.Run idx = InProcessCli.run("evaluate", model.toString(), "--data", data.toString(), "--json");
        InProcessCli.Run photos = InProcessCli.run("evaluate", model.toString(), "--images", pictures.toString(), "--json");
        assertEquals(0, photos.exit(), photos.err());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        double fromIdx = json.readTree(idx.out()).get("accuracy").asDouble();
        double fromPhotos = json.readTree(photos.out()).get("accuracy").asDouble();
        assertTrue(fromIdx > 0.6, "the model learnt something: " + fromIdx);
        assertEquals(fromIdx, fromPhotos, 0.04, "photos " + fromPhotos + " against the IDX images " + fromIdx);
    }

    @Test
    void evaluatingNeedsTheTestFilesAlone() throws IOException {
        Path data = fashionSubset(tmp.resolve("fashion"), 640, 300);
        Path model = trainFashion(data, 1);
        Files.delete(data.resolve("train-images-idx3-ubyte.gz"));
        Files.delete(data.resolve("train-labels-idx1-ubyte.gz"));

        InProcessCli.Run evaluate = InProcessCli.run("evaluate", model.toString(), "--data", data.toString());
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertTrue(evaluate.out().contains("Test accuracy: "), evaluate.out());
        InProcessCli.Run predict = InProcessCli.run("predict", model.toString(), "--index", "0", "--data", data.toString());
        assertEquals(0, predict.exit(), predict.err());
        InProcessCli.Run json = InProcessCli.run("predict", model.toString(), "--index", "0", "--data", data.toString(), "--json");
        assertEquals(0, json.exit(), json.err());
        com.fasterxml.jackson.databind.JsonNode answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out())
                .get("predictions").get(0);
        // Fashion-MNIST's test image 0 is an ankle boot: the truth as the prediction is given, index and name
        assertTrue(answer.get("true_class").isInt() && answer.get("class").isInt(), json.out());
        assertEquals(9, answer.get("true_class").asInt(), json.out());
        assertEquals("Ankle boot", answer.get("true_label").asText(), json.out());
        InProcessCli.Run train = InProcessCli.run("train", "--dataset", "fashion-mnist", "--data", data.toString());
        assertEquals(2, train.exit(), train.err());
        assertTrue(train.err().contains("train-images-idx3-ubyte is missing"), train.err());
    }

    @Test
    void missingDatasetNamesTheFetchCommand() {
        InProcessCli.Run run = InProcessCli.run("train", "--dataset", "fashion-mnist", "--data", tmp.resolve("none").toString());
        assertEquals(2, run.exit());
        InProcessCli.Run unknown = InProcessCli.run("train", "--dataset", "cifar");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown dataset 'cifar'"), unknown.err());
    }

    /** The first images of the real gzipped Fashion-MNIST files, gzipped again like Debian's. */
    private static Path fashionSubset(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        for (String[] f : new String[][] {{"train", String.valueOf(train)}, {"t10k", String.valueOf(test)}}) {
            int n = Integer.parseInt(f[1]);
            copyPrefix(f[0] + "-images-idx3-ubyte.gz", 16 + n * 784, n, dir);
            copyPrefix(f[0] + "-labels-idx1-ubyte.gz", 8 + n, n, dir);
        }
        return dir;
    }

    private static void copyPrefix(String name, int length, int count, Path dir) throws IOException {
        byte[] head;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.fashion().resolve(name)))) {
            head = TestData.withCount(in.readNBytes(length), count);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(name)))) {
            out.write(head);
        }
    }

    /** A Fashion-MNIST model trained {@code epochs} epochs (seed 1) on {@code data}, saved as fashion.zip. */
    private Path trainFashion(Path data, int epochs) {
        Path model = tmp.resolve("fashion.zip");
        InProcessCli.Run run = InProcessCli.run("train", "--dataset", "fashion-mnist", "--data", data.toString(), "--epochs",
                String.valueOf(epochs), "--seed", "1", "--output", model.toString());
        assertEquals(0, run.exit(), run.err());
        return model;
    }
}
