package dev.convnet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is said of a path a user named that is not a file to read: never "not found" for what is there. */
class FileErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void namesWhatIsThereInsteadOfAFile() throws Exception {
        Path fifo = tmp.resolve("m.zip");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals("a FIFO", FileErrors.notARegularFile(fifo));
        assertEquals("a device", FileErrors.notARegularFile(Path.of("/dev/zero")));
        assertEquals("a folder", FileErrors.notARegularFile(tmp));
        Path dangling = Files.createSymbolicLink(tmp.resolve("gone.zip"), tmp.resolve("nothing-here"));
        assertEquals("a link to nothing", FileErrors.notARegularFile(dangling));
        assertEquals("no such file", FileErrors.notARegularFile(tmp.resolve("none.zip")));
        Path file = Files.writeString(tmp.resolve("real.zip"), "x");
        assertNull(FileErrors.notARegularFile(file));
        assertNull(FileErrors.notARegularFile(Files.createSymbolicLink(tmp.resolve("link.zip"), file)), "a link to a file is a file");
        assertEquals("checkpoint " + fifo + " is a FIFO, not a file: give a checkpoint .zip",
                FileErrors.unreadable("checkpoint " + fifo, fifo, "a checkpoint .zip"));
        assertEquals("checkpoint x.zip not found", FileErrors.unreadable("checkpoint x.zip", tmp.resolve("none.zip"), ""));
    }

    @Test
    void aNameTheJvmCouldNotDecodeIsSaidToBeThat() {
        // a file name with a byte that is not UTF-8 reaches Java as U+FFFD: no file has that name
        Path name = tmp.resolve("bad\uFFFD.png");
        String problem = FileErrors.notARegularFile(name);
        assertTrue(problem.startsWith("its name is not valid ") && problem.endsWith("rename it"), problem);
        assertEquals(problem, FileErrors.describe(new java.nio.file.NoSuchFileException(name.toString())));
        assertEquals("no such file", FileErrors.describe(new java.nio.file.NoSuchFileException(tmp.resolve("ok.png").toString())));
    }

    @Test
    void describesEveryIoFailureWithoutItsType() {
        assertEquals("permission denied", FileErrors.describe(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("No space left on device", FileErrors.describe(new java.nio.file.FileSystemException("/x", null,
                "No space left on device")));
        assertEquals("IOException", FileErrors.describe(new IOException()));
    }
}
