package dev.convnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void loadsImagesScaledTo01AndIntegerLabels() {
        LabeledImages test = new MnistLoader(TestData.mnist()).load(Split.TEST, 200);
        assertArrayEquals(new long[] {200, 1, 28, 28}, test.images().shape());
        assertArrayEquals(new long[] {200, 1}, test.labels().shape());
        assertEquals(0.0, test.images().minNumber().doubleValue());
        assertEquals(1.0, test.images().maxNumber().doubleValue(), 1e-6);
        assertEquals(7, test.classes()[0]);
        assertEquals(test.classes()[1], test.labels().getInt(1, 0));
    }

    @Test
    void gzippedDatasetLoadsLikeThePlainOne() throws IOException {
        Path gz = TestData.subset(tmp.resolve("gz"), 300, 100, true);
        LabeledImages fromGz = new MnistLoader(gz).load(Split.TRAIN, 0);
        LabeledImages fromPlain = new MnistLoader(TestData.mnist()).load(Split.TRAIN, 300);
        assertEquals(fromPlain.images(), fromGz.images());
        assertArrayEquals(fromPlain.classes(), fromGz.classes());
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path dir = TestData.subset(tmp.resolve("d"), 100, 50, false);
        byte[] labels = Files.readAllBytes(dir.resolve("train-labels-idx1-ubyte"));
        TestData.write(dir, "train-labels-idx1-ubyte", TestData.withCount(java.util.Arrays.copyOf(labels, 8 + 90), 90), false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> new MnistLoader(dir).load(Split.TRAIN, 0));
        assertTrue(e.getMessage().contains("90 labels") && e.getMessage().contains("100 images"), e.getMessage());
    }

    @Test
    void labelsOutsideZeroToNineAreRejected() throws IOException {
        Path dir = TestData.subset(tmp.resolve("d"), 100, 50, false);
        byte[] labels = Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte"));
        labels[8 + 17] = 12;
        TestData.write(dir, "t10k-labels-idx1-ubyte", labels, false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> new MnistLoader(dir).load(Split.TEST, 0));
        assertTrue(e.getMessage().contains("label 12 at index 17"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path dir = TestData.subset(tmp.resolve("d"), 10, 10, false);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> new MnistLoader(dir).checkPresent());
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
    }
}
