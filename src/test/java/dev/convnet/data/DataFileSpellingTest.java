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

    /** Packed the ways convnet does not read (gzipped twice, xz, bzip2, zstd, zip, 7z), under either name: each said as what it is. */
    @Property(tries = 12)
    void otherPackingsAreNamed(@ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 5) int packing, @ForAll boolean gzName,
                               @ForAll byte[] rest) throws IOException {
        Path dir = Files.createTempDirectory("packed");
        try {
            byte[][] magics = {null, {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, {'B', 'Z', 'h', '9'}, {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD},
                {'P', 'K', 3, 4}, {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C}};
            String[] said = {"gzip data inside gzip data (gzipped twice)", "xz-compressed data", "bzip2-compressed data",
                "zstd-compressed data", "a zip archive", "a 7-Zip archive"};
            byte[] labels = Files.readAllBytes(TestData.mnist().resolve("t10k-labels-idx1-ubyte"));
            byte[] content = packing == 0 ? gzip(gzip(labels)) : concat(magics[packing], rest);
            Path file = dir.resolve("t10k-labels-idx1-ubyte" + (gzName ? ".gz" : ""));
            Files.write(file, content);
            DataFormatException e = assertThrows(DataFormatException.class, () -> new IdxReader().read(file, 1));
            assertTrue(e.getMessage().startsWith(file + ": " + said[packing] + "; convnet reads IDX files plain or gzipped once"),
                    e.getMessage());
        } finally {
            deleteTree(dir);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
