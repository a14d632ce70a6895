package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and folders the user may not read or write (chmod 000, 555): one line each, naming the
 * file and "permission denied", never a raw AccessDeniedException. Root ignores permission bits,
 * so as root the child JVM runs without the capabilities that let it (setpriv drops
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), as an ordinary user would.
 */
class PermissionsIT {
    @TempDir
    static Path tmp;
    static Path data;
    static Path model;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        data = TestData.subset(tmp.resolve("data"), 128, 100, false);
        model = tmp.resolve("m.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--epochs", "1", "--seed", "3", "--data", data.toString(), "--output", model.toString());
        assertEquals(0, train.exit(), train.err());
    }

    @Test
    void anUnreadableDataFolderSaysSo() throws Exception {
        Path locked = copyOf(data, "locked-data");
        chmod(locked, "---------");
        CliResult run = convnet("train", "--epochs", "1", "--data", locked.toString(), "--output", tmp.resolve("x.zip").toString());
        assertEquals(2, run.exit, run.output);
        assertOneLine(run, "dataset folder " + locked + " is not readable (permission denied)");
    }

    @Test
    void anUnreadableIdxFileSaysPermissionDenied() throws Exception {
        Path copy = copyOf(data, "data-000");
        chmod(copy.resolve("t10k-images-idx3-ubyte"), "---------");
        CliResult run = convnet("evaluate", model.toString(), "--data", copy.toString());
        assertEquals(1, run.exit, run.output);
        assertOneLine(run, copy.resolve("t10k-images-idx3-ubyte") + ": cannot read (permission denied)");
    }

    @Test
    void anUnreadableModelSaysPermissionDenied() throws Exception {
        Path locked = Files.copy(model, tmp.resolve("locked.zip"));
        chmod(locked, "---------");
        CliResult run = convnet("evaluate", locked.toString(), "--data", data.toString());
        assertEquals(1, run.exit, run.output);
        assertOneLine(run, locked + ": cannot read (permission denied)");
    }

    @Test
    void anUnreadablePictureIsReportedAndTheOthersArePredicted() throws Exception {
        Path good = tmp.resolve("good.png");
        ImageIO.write(TestData.darkInkOnWhite(new float[784], 4, 10, 10, java.awt.Color.WHITE), "png", good.toFile());
        Path locked = Files.copy(good, tmp.resolve("locked.png"));
        chmod(locked, "---------");
        CliResult run = convnet("predict", model.toString(), locked.toString(), good.toString());
        assertEquals(1, run.exit, run.output);
        assertTrue(run.output.contains("convnet predict: " + locked + ": permission denied"), run.output);
        assertTrue(run.output.lines().anyMatch(l -> l.startsWith(good.toString())), run.output);
    }

    @Test
    void aReadOnlyOutputFolderIsCaughtBeforeAnyWork() throws Exception {
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        chmod(readOnly, "r-xr-xr-x");
        CliResult train = convnet("train", "--epochs", "1", "--data", data.toString(), "--output", readOnly.resolve("m.zip").toString());
        assertEquals(2, train.exit, train.output);
        assertOneLine(train, "folder " + readOnly + " is not writable (permission denied)");
        CliResult activations = convnet("activations", model.toString(), "--out", readOnly.toString(), "--data", data.toString());
        assertEquals(2, activations.exit, activations.output);
        assertOneLine(activations, "--out " + readOnly + ": cannot write in " + readOnly + " (permission denied); choose a writable folder");
        CliResult report = convnet("evaluate", model.toString(), "--report", readOnly.resolve("report").toString(), "--data", data.toString());
        assertEquals(2, report.exit, report.output);
        assertOneLine(report, "--report " + readOnly.resolve("report") + ": cannot write in " + readOnly + " (permission denied)");
        CliResult export = convnet("export", model.toString(), "-o", readOnly.resolve("m.onnx").toString()); // was exit 1 after the work
        assertEquals(2, export.exit, export.output);
        assertOneLine(export, "-o " + readOnly.resolve("m.onnx") + ": cannot write in " + readOnly + " (permission denied); choose a writable folder");
        Path keep = Files.writeString(tmp.resolve("keep.onnx"), "keep me"); // a read-only file in a writable folder: kept
        chmod(keep, "r--r--r--");
        CliResult overKeep = convnet("export", model.toString(), "-o", keep.toString());
        assertEquals(2, overKeep.exit, overKeep.output);
        assertOneLine(overKeep, "cannot write " + keep + ": the file is read-only; make it writable (chmod u+w) to replace it");
        assertEquals("keep me", Files.readString(keep));
    }

    private record CliResult(int exit, String output) {
    }

    private static void assertOneLine(CliResult run, String expected) {
        List<String> lines = run.output.lines().filter(l -> !l.startsWith("Try '")).toList();
        assertEquals(1, lines.size(), run.output);
        assertTrue(lines.get(0).contains(expected), run.output);
        assertFalse(run.output.contains("Exception"), run.output);
    }

    /** The CLI in a child JVM; as root, without the capabilities that bypass file permissions. */
    private static CliResult convnet(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), "dev.convnet.ConvNet"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new CliResult(p.exitValue(), output);
    }

    private static boolean isRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        return new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().equals("0");
    }

    private static Path copyOf(Path folder, String name) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static void chmod(Path path, String permissions) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }
}
