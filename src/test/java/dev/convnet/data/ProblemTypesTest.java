package dev.convnet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callers decide what to tell the user by the type of a data problem, never by its message: a
 * dataset that is not there (DatasetNotFoundException, "run scripts/fetch-data") against one that
 * is there but unusable, and bytes of no picture format at all (NotAnImageException) against a
 * picture of a format convnet does not read or a damaged one.
 */
class ProblemTypesTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingDatasetFolderOrFileIsNotFound() throws IOException {
        DataFormatException folder = assertThrows(DataFormatException.class,
                () -> new MnistLoader(tmp.resolve("nowhere")).checkPresent());
        assertTrue(folder instanceof DatasetNotFoundException, folder.toString());
        assertTrue(folder.getMessage().endsWith("does not exist"), folder.getMessage());

        Path partial = TestData.subset(tmp.resolve("partial"), 10, 10, false);
        Files.delete(partial.resolve("t10k-labels-idx1-ubyte"));
        DataFormatException file = assertThrows(DataFormatException.class, () -> new MnistLoader(partial).checkPresent());
        assertTrue(file instanceof DatasetNotFoundException, file.toString());
        assertTrue(file.getMessage().contains("t10k-labels-idx1-ubyte is missing"), file.getMessage());
    }

    @Test
    void aFileWhereTheFolderShouldBeIsThereButUnusable() throws IOException {
        Path notAFolder = Files.writeString(tmp.resolve("mnist"), "x");
        DataFormatException e = assertThrows(DataFormatException.class, () -> new MnistLoader(notAFolder).checkPresent());
        assertFalse(e instanceof DatasetNotFoundException, e.toString());
        assertTrue(e.getMessage().endsWith("is a file, not a folder"), e.getMessage());
    }

    @Test
    void bytesOfNoFormatAreNotAnImageButATiffIsAPictureOfAnotherFormat() {
        ImageFormatException text = assertThrows(ImageFormatException.class,
                () -> PictureFormat.sniff("hello, I am not a picture".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(text instanceof NotAnImageException, text.toString());
        assertEquals("not a " + PictureFormat.SUPPORTED + " image", text.getMessage());

        ImageFormatException tiff = assertThrows(ImageFormatException.class,
                () -> PictureFormat.sniff(new byte[] {'I', 'I', 0x2A, 0x00, 8, 0, 0, 0}));
        assertFalse(tiff instanceof NotAnImageException, tiff.toString());
        assertTrue(tiff.getMessage().startsWith("a TIFF image, not a "), tiff.getMessage());
        assertFalse(tiff.overLimit());
    }
}
