package dev.convnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private final IdxReader reader = new IdxReader();

    @TempDir
    Path tmp;

    @Test
    void readsTheRealMnistFiles() {
        IdxFile labels = reader.read(TestData.mnist().resolve("t10k-labels-idx1-ubyte"), 1);
        IdxFile images = reader.read(TestData.mnist().resolve("t10k-images-idx3-ubyte"), 3);
        assertArrayEquals(new int[] {10_000}, labels.dimensions());
        assertArrayEquals(new int[] {10_000, 28, 28}, images.dimensions());
        assertEquals(784, images.itemSize());
        assertEquals(7, labels.data()[0]); // the first MNIST test digit is a 7
    }

    @Test
    void gzippedFileReadsTheSameAsPlain() throws IOException {
        byte[] plain = Files.readAllBytes(TestData.mnist().resolve("t10k-labels-idx1-ubyte"));
        Path gz = TestData.write(tmp, "labels", plain, true);
        IdxFile fromGz = reader.read(gz, 1);
        IdxFile fromPlain = reader.read(TestData.mnist().resolve("t10k-labels-idx1-ubyte"), 1);
        assertArrayEquals(fromPlain.data(), fromGz.data());
        assertArrayEquals(fromPlain.dimensions(), fromGz.dimensions());
    }

    @Test
    void truncatedDataIsReported() throws IOException {
        byte[] real = Files.readAllBytes(TestData.mnist().resolve("t10k-labels-idx1-ubyte"));
        Path file = TestData.write(tmp, "labels", Arrays.copyOf(real, 5000), false);
        assertMessage(file, 1, "truncated");
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path file = TestData.write(tmp, "labels", new byte[] {0, 0, 8, 1, 0, 0}, false);
        assertMessage(file, 1, "truncated");
    }

    @Test
    void wrongMagicNumberIsReported() throws IOException {
        byte[] real = Files.readAllBytes(TestData.mnist().resolve("t10k-labels-idx1-ubyte"));
        real[2] = 0x0D; // float instead of unsigned byte
        assertMessage(TestData.write(tmp, "labels", real, false), 1, "magic number");
    }

    @Test
    void emptyFileIsReported() throws IOException {
        assertMessage(TestData.write(tmp, "empty", new byte[0], false), 1, "empty");
    }

    @Test
    void trailingBytesAreReported() throws IOException {
        byte[] real = Files.readAllBytes(TestData.mnist().resolve("t10k-labels-idx1-ubyte"));
        assertMessage(TestData.write(tmp, "labels", Arrays.copyOf(real, real.length + 3), false), 1, "longer than");
    }

    @Test
    void wrongDimensionCountIsReported() {
        assertMessage(TestData.mnist().resolve("t10k-labels-idx1-ubyte"), 3, "dimensions");
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        Path file = tmp.resolve("labels.gz");
        Files.write(file, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertMessage(file, 1, file.toString());
    }

    @Test
    void missingFileIsReported() {
        assertMessage(tmp.resolve("nope"), 1, "not found");
    }

    @Test
    void gzipBombDeclaringMillionsOfImagesIsRefusedFromItsHeader() throws IOException {
        // The case: 2.7 M images declared, inflating to 2.1 GB; here 2 MB of zeros on disk.
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(java.nio.ByteBuffer.allocate(16).putInt(0x803).putInt(2_700_000).putInt(28).putInt(28).array());
            out.write(new byte[200 << 20]);
        }
        Path bomb = Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), gz.toByteArray());
        assertTrue(Files.size(bomb) < 1 << 20, "small on disk: " + Files.size(bomb));
        assertMessage(bomb, 3, "more than 134,217,728 bytes of data, the limit");
    }

    @Test
    void plainFileShorterThanItsHeaderIsRefusedBeforeReading() throws IOException {
        Path file = TestData.write(tmp, "images", java.nio.ByteBuffer.allocate(16 + 784).putInt(0x803).putInt(100_000)
                .putInt(28).putInt(28).array(), false);
        assertMessage(file, 3, "declares 78,400,000 data bytes but only 784 are present");
    }

    @Test
    void datasetFolderThatIsAFileSaysSo() throws IOException {
        Path file = Files.writeString(tmp.resolve("mnist"), "not a folder");
        DataFormatException e = assertThrows(DataFormatException.class, () -> new MnistLoader(file).checkPresent());
        assertTrue(e.getMessage().contains("is a file, not a folder"), e.getMessage());
    }

    private void assertMessage(Path file, int dims, String expected) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> reader.read(file, dims));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
    }
}
