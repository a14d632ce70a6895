package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.convnet.TestData;
import dev.convnet.report.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Outputs that would destroy an input, names that would drive the terminal, and memory running
 * out: through the whole CLI, with generated names, links and control characters.
 */
class FileSafetyCliIT {
    private static final Path KERAS = Path.of("src/test/resources/keras");
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("file-safety");
    }

    enum Alias { SAME, DOT_SLASH, ABSOLUTE, SYMLINK, HARD_LINK }

    @Property(tries = 12)
    void anOutputThatIsTheInputIsRefusedAndTheInputKept(@ForAll Alias alias, @ForAll boolean keras3, @ForAll boolean export)
            throws IOException {
        Path work = Files.createTempDirectory(dir, "alias");
        String ext = keras3 ? ".keras" : ".h5";
        Path input = Files.copy(KERAS.resolve("book" + ext), work.resolve("book" + ext));
        byte[] before = Files.readAllBytes(input);
        Path output = switch (alias) {
            case SAME -> input;
            case DOT_SLASH -> Path.of(input.getParent() + "/./" + input.getFileName());
            case ABSOLUTE -> input.toAbsolutePath();
            case SYMLINK -> Files.createSymbolicLink(work.resolve("alias" + (export ? ".keras" : ".zip")), input.getFileName());
            case HARD_LINK -> Files.createLink(work.resolve("alias" + (export ? ".keras" : ".zip")), input);
        };
        if (export && !output.toString().endsWith(".keras")) {
            return; // export names its output by format; a same-named .h5 is refused for that reason already
        }
        InProcessCli.Run run = export ? InProcessCli.run("export", input.toString(), "-o", output.toString())
                : InProcessCli.run("import", input.toString(), "-o", output.toString());
        assertEquals(2, run.exit(), run.err());
        String line = run.err().lines().findFirst().orElse("");
        // refused as the input itself, or (import to a .h5/.keras name) for naming another format first
        assertTrue(line.contains("is the input") || !export && line.contains("name says Keras"), run.err());
        assertArrayEquals(before, Files.readAllBytes(input), "the input is unchanged");
    }

    @Provide
    Arbitrary<String> foreignNames() {
        Arbitrary<String> base = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> ext = Arbitraries.of(".h5", ".hdf5", ".keras", ".onnx");
        return net.jqwik.api.Combinators.combine(base, ext, Arbitraries.of(true, false))
                .as((b, e, upper) -> b + (upper ? e.toUpperCase(Locale.ROOT) : e));
    }

    @Property(tries = 10)
    void aConvnetZipIsNeverWrittenUnderAnotherFormatsName(@ForAll("foreignNames") String name, @ForAll boolean train) {
        assertRefusedOutput(name, train, "this writes a convnet model zip; name it NAME.zip");
    }

    @Property(tries = 6)
    void aConvnetZipIsNeverWrittenUnderAnOtherEnding(@ForAll("otherEndings") String name, @ForAll boolean train) {
        assertRefusedOutput(name, train, "a convnet model is a zip file; name it " + name.substring(0, name.lastIndexOf('.')) + ".zip");
    }

    /**
     * A disk that fills at epoch 2's checkpoint (1.2 MB: one 0.77 MB checkpoint fits, not a second
     * beside it): the line says epoch 1's is kept and how to go on, as Ctrl-C's does.
     */
    @net.jqwik.api.Example
    void aFullDiskAtACheckpointSaysWhichIsKeptAndHowToGoOn() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        assertTrue(mount.waitFor() == 0, "mounting a tmpfs needs root, as the CI runs");
        try {
            InProcessCli.Run run = InProcessCli.run("train", "--limit", "1000", "--epochs", "2", "--seed", "1",
                    "-o", disk.resolve("m.zip").toString(), "--data", TestData.mnist().toString());
            assertEquals(1, run.exit(), run.err());
            assertTrue(run.err().contains("No space left on device") && run.err().contains("the checkpoint after epoch 1 is kept in ")
                    && run.err().contains("resume with: convnet train --resume "), run.err());
            assertTrue(Files.isRegularFile(disk.resolve("m.checkpoint.zip")));
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    /** '' (the current folder) and '.zip' (hidden, with hidden history files) name no model: a new user's findings. */
    @net.jqwik.api.Example
    void anEmptyOrHiddenZipNameIsRefused() {
        InProcessCli.Run empty = InProcessCli.run("train", "--epochs", "1", "-o", "");
        assertEquals(2, empty.exit(), empty.err());
        assertTrue(empty.err().startsWith("convnet train: -o '' names no model file; give one such as models/model.zip"), empty.err());
        assertRefusedOutput(".zip", false, "names no model file; give one such as models/model.zip");
        assertRefusedOutput(".zip", true, "names no model file");
    }

    /** m.ZIP's history is m.history.csv, as m.zip's. */
    @net.jqwik.api.Example
    void anUpperCaseZipEndingNamesTheHistoryAsALowerCaseOne() {
        dev.convnet.app.OutputPaths paths = dev.convnet.app.OutputPaths.forModel(dir.resolve("m.ZIP"));
        assertEquals(dir.resolve("m.history.csv"), paths.historyCsv());
        assertEquals(dir.resolve("m.checkpoint.zip"), paths.checkpoint());
    }

    /** A last dot inside a number is no ending: -o runs/lr-0.001 is a name, as -o model is. */
    @net.jqwik.api.Example
    void aNumberInTheNameIsNoEnding() {
        Path output = dir.resolve("lr-0.001");
        InProcessCli.Run run = InProcessCli.run("import", KERAS.resolve("book.h5").toString(), "-o", output.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.isRegularFile(output));
    }

    /** train or import with -o NAME: a usage error whose first line holds {@code expected}, and no file. */
    private void assertRefusedOutput(String name, boolean train, String expected) {
        Path output = dir.resolve(name);
        InProcessCli.Run run = train ? InProcessCli.run("train", "--epochs", "1", "-o", output.toString())
                : InProcessCli.run("import", KERAS.resolve("book.h5").toString(), "-o", output.toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().lines().findFirst().orElse("").contains(expected), run.err());
        assertFalse(Files.exists(output));
    }

    @Provide
    Arbitrary<String> otherEndings() {
        Arbitrary<String> base = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> ext = Arbitraries.of(".txt", ".bin", ".model", ".v2", ".zip.bak", ".pt", ".ZIP2");
        return net.jqwik.api.Combinators.combine(base, ext).as((b, e) -> b + e);
    }

    @Provide
    Arbitrary<String> hostileNames() {
        // no NUL: no file name can hold one (a layer name could, but then neither name would be tested alike)
        Arbitrary<Character> control = Arbitraries.of('\n', '\r', '\t', '\u001b', '\u0007', '\u0001', '\u007f', '\u009b', '\u202e');
        Arbitrary<String> plain = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
        return net.jqwik.api.Combinators.combine(plain, control, plain, control).as((a, c, b, d) -> a + c + "[2J" + b + d);
    }

    @Property(tries = 200)
    void printableTextHasNoControlCharacters(@ForAll String any) {
        String shown = Printable.text(any);
        assertTrue(shown.codePoints().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e)), shown);
        if (any.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            assertEquals(any, shown, "plain text is left alone");
        }
    }

    @Property(tries = 5)
    void aLayerNameFromAFileCannotDriveTheTerminal(@ForAll("hostileNames") String layerName) throws IOException {
        Path file = dir.resolve("layer-" + System.nanoTime() + ".keras");
        renameFirstConv(KERAS.resolve("book.keras"), file, layerName);
        InProcessCli.Run run = InProcessCli.run("summary", file.toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertNoControls(run.err());
        assertTrue(run.err().contains(Printable.text(layerName)), run.err());
    }

    @Property(tries = 3)
    void aPictureNameStaysOnItsRow(@ForAll("hostileNames") String name) throws IOException {
        Path work = Files.createTempDirectory(dir, "pictures");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        image.getGraphics().fillRect(10, 4, 6, 20);
        javax.imageio.ImageIO.write(image, "png", work.resolve(name + ".png").toFile());
        javax.imageio.ImageIO.write(image, "png", work.resolve("plain.png").toFile());
        InProcessCli.Run run = InProcessCli.run("predict", KERAS.resolve("book.keras").toString(), work.resolve(name + ".png").toString(),
                work.resolve("plain.png").toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(2, run.out().lines().count(), run.out());
        assertNoControls(run.out());
        assertTrue(run.out().contains(Printable.text(name)), run.out());
    }

    /**
     * Out of memory is one line without --verbose: a real prediction of a picture that decodes to
     * 128 MB (4000x4000 RGBA at 16 bits a sample) under generated heaps too small for it.
     */
    @Property(tries = 2)
    void outOfMemoryIsOneLine(@ForAll("heaps") int megabytes) throws Exception {
        Path picture = Files.write(Files.createTempDirectory("oom").resolve("huge.png"),
                TestData.blackPng(4_000, 4_000, 16, 6, 8));
        String err = childJvm(megabytes, "predict", KERAS.resolve("book.keras").toString(), picture.toString());
        assertTrue(err.startsWith("convnet predict: error: out of memory ("), err);
    }

    /** A heap too small for ND4J's own start-up is refused in one line before any native code runs. */
    @Property(tries = 2)
    void aHeapTooSmallToStartIsOneLine(@ForAll("tinyHeaps") int megabytes) throws Exception {
        String err = childJvm(megabytes, "evaluate", KERAS.resolve("book.keras").toString(), "--data", TestData.mnist().toString());
        assertTrue(err.startsWith("convnet: error: the Java heap limit is "), err);
    }

    /** Runs convnet in a JVM with {@code -Xmx<megabytes>m}; asserts exit 1 and one line on stderr, and returns it. */
    private static String childJvm(int megabytes, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + megabytes + "m", "-cp", System.getProperty("java.class.path"), "dev.convnet.ConvNet"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), err);
        return err;
    }

    @Provide
    Arbitrary<Integer> heaps() {
        return Arbitraries.integers().between(64, 112);
    }

    @Provide
    Arbitrary<Integer> tinyHeaps() {
        return Arbitraries.integers().between(8, 56); // the JVM rounds -Xmx up to its alignment: 63m is a 64 MiB heap
    }

    private static void assertNoControls(String text) {
        assertTrue(text.replace("\n", "").codePoints().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x202e), text);
    }

    /** A copy of a .keras file whose first Conv2D is named {@code name} everywhere, with a padding convnet refuses. */
    private static void renameFirstConv(Path source, Path target, String name) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (ZipFile zip = new ZipFile(source.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry entry = en.nextElement();
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                if (entry.getName().equals("config.json")) {
                    ObjectNode config = (ObjectNode) json.readTree(bytes);
                    String old = null;
                    for (var layer : config.path("config").path("layers")) {
                        if (layer.path("class_name").asText().equals("Conv2D")) {
                            old = layer.path("config").path("name").asText();
                            ((ObjectNode) layer.path("config")).put("name", name);
                            ((ObjectNode) layer.path("config")).put("padding", "causal"); // an error that names the layer
                            if (layer.has("name")) {
                                ((ObjectNode) layer).put("name", name);
                            }
                            break;
                        }
                    }
                    String text = json.writeValueAsString(config).replace("\"" + old + "\"", json.writeValueAsString(name));
                    bytes = text.getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
    }
}
