package dev.convnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * MNIST folders as people have them: each of the four files under the published name or 7-Zip's
 * dotted one ({@code train-images.idx3-ubyte}), with or without {@code .gz}, holding gzip or plain
 * bytes whatever the name says. Each generated folder loads the same images and labels.
 */
class DataFileSpellingTest {
    private static final int TRAIN = 40;
    private static final int TEST = 20;
    private static final LabeledImages EXPECTED_TEST = new MnistLoader(TestData.mnist()).load(Split.TEST, TEST);
    private static final LabeledImages EXPECTED_TRAIN = new MnistLoader(TestData.mnist()).load(Split.TRAIN, TRAIN);

    /** One choice per file: bit 0 dotted name, bit 1 a .gz name, bit 2 gzip content. */
    @Property(tries = 24)
    void everySpellingAndCompressionLoadsTheSameData(@ForAll("spelling") int trainImages, @ForAll("spelling") int trainLabels,
                                                     @ForAll("spelling") int testImages, @ForAll("spelling") int testLabels)
            throws IOException {
        Path dir = Files.createTempDirectory("spelling");
        try {
            write(dir, "train-images-idx3-ubyte", TRAIN, 16, 784, trainImages);
            write(dir, "train-labels-idx1-ubyte", TRAIN, 8, 1, trainLabels);
            write(dir, "t10k-images-idx3-ubyte", TEST, 16, 784, testImages);
            write(dir, "t10k-labels-idx1-ubyte", TEST, 8, 1, testLabels);
            MnistLoader loader = new MnistLoader(dir);
            loader.checkPresent();
            LabeledImages test = loader.load(Split.TEST, 0);
            LabeledImages train = loader.load(Split.TRAIN, 0);
            assertEquals(EXPECTED_TEST.images(), test.images());
            assertArrayEquals(EXPECTED_TEST.classes(), test.classes());
            assertEquals(EXPECTED_TRAIN.images(), train.images());
            assertArrayEquals(EXPECTED_TRAIN.classes(), train.classes());
        } finally {
            deleteTree(dir);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> spelling() {
        return net.jqwik.api.Arbitraries.integers().between(0, 7);
    }

    @Property(tries = 8)
    void aMissingFileNamesBothSpellings(@ForAll("spelling") int others) throws IOException {
        Path dir = Files.createTempDirectory("spelling");
        try {
            write(dir, "train-labels-idx1-ubyte", TRAIN, 8, 1, others);
            write(dir, "t10k-images-idx3-ubyte", TEST, 16, 784, others);
            write(dir, "t10k-labels-idx1-ubyte", TEST, 8, 1, others);
            DataFormatException e = assertThrows(DataFormatException.class, () -> new MnistLoader(dir).checkPresent());
            assertTrue(e.getMessage().contains("train-images-idx3-ubyte is missing (looked for train-images-idx3-ubyte and "
                    + "train-images.idx3-ubyte, each also with .gz)"), e.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    private static void write(Path dir, String name, int n, int header, int itemBytes, int spelling) throws IOException {
        byte[] idx = TestData.withCount(Arrays.copyOf(Files.readAllBytes(TestData.mnist().resolve(name)), header + n * itemBytes), n);
        String fileName = ((spelling & 1) != 0 ? name.replace("-idx", ".idx") : name) + ((spelling & 2) != 0 ? ".gz" : "");
        Files.write(dir.resolve(fileName), (spelling & 4) != 0 ? gzip(idx) : idx);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
