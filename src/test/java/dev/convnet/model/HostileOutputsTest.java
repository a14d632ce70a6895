package dev.convnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.data.AtomicFile;
import dev.convnet.report.Gallery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Every way convnet writes a file, against a planted symbolic link and a full disk: the victim a
 * link names stays unchanged and the link is replaced, and a write that runs out of space leaves the
 * earlier file as it was and nothing else behind (no truncated PNG, no zipfstmp*.tmp, no empty lock).
 * Names, writers and disk sizes are generated. The full-disk property mounts small tmpfs folders,
 * which needs root (as ModelStoreTest's), as the CI runs.
 */
class HostileOutputsTest {
    private static ComputationGraph graph;
    private static Path root;

    @BeforeContainer
    static void setUp() throws IOException {
        graph = ConvNetModel.create(new Hyperparameters(0.001, 5));
        root = Files.createTempDirectory("hostile-outputs");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The writers convnet uses, by what they write. */
    enum Writer { TEXT, PNG, MODEL_WITH_RECORD, MODEL_TEXT, LOCK, KERAS, KERAS_H5 }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars("-_ .üé0123456789").ofMinLength(1).ofMaxLength(24)
                .filter(s -> !s.isBlank() && !s.startsWith(".") && !s.equals(".."));
    }

    @Property(tries = 30)
    void aPlantedLinkIsReplacedAndItsVictimUnchanged(@ForAll("names") String name, @ForAll Writer writer) throws IOException {
        Path dir = Files.createTempDirectory(root, "links");
        Path victim = Files.writeString(root.resolve("victim-" + System.nanoTime()), "victim: " + name);
        Path target = dir.resolve(name + ending(writer));
        Path link = writer == Writer.LOCK ? dir.resolve("." + target.getFileName() + ".lock") : target;
        Files.createSymbolicLink(link, victim);

        if (writer == Writer.LOCK) {
            try (OutputLock lock = new ModelStore().lock(target)) {
                assertNotNull(lock);
                assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the lock is a file of its own, not the link");
            }
            assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "the lock file goes on close");
        } else {
            write(writer, target);
            assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS), "the link was replaced by the output");
            assertComplete(writer, target);
        }
        assertEquals("victim: " + name, Files.readString(victim, StandardCharsets.UTF_8));
        assertEquals(Set.of(), leftovers(dir, Set.of(target.getFileName().toString())));
    }

    @Property(tries = 16)
    void aFullDiskLeavesTheEarlierFileAndNothingElse(@ForAll Writer writer,
                                                     @ForAll("diskSizes") int kilobytes) throws IOException, InterruptedException {
        Path disk = Files.createTempDirectory(root, "disk");
        assertTrue(mount(disk, kilobytes), "mounting a " + kilobytes + " kB tmpfs needs root, as the CI runs");
        try {
            Path target = disk.resolve("model" + ending(writer));
            byte[] earlier = ("an earlier file ").repeat(64).getBytes(StandardCharsets.US_ASCII);
            Files.write(target, earlier);
            fill(disk, kilobytes); // what is left: a few kB, or nothing at all
            if (writer == Writer.LOCK) {
                try (OutputLock lock = new ModelStore().lock(target)) {
                    assertNotNull(lock); // room for the lock: fine, it goes on close
                } catch (ModelFileException e) {
                    assertTrue(e.getMessage().contains("No space left"), e.getMessage());
                }
            } else {
                Exception e = assertThrows(Exception.class, () -> write(writer, target)); // each write needs more than the 4 kB left
                if (writer == Writer.KERAS || writer == Writer.KERAS_H5) { // the real cause, under jhdf's "Exception writing"
                    assertTrue(e instanceof dev.convnet.interop.InteropWriteException, e.toString());
                    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
                }
                assertArrayEquals(earlier, Files.readAllBytes(target), "the earlier file is unchanged");
            }
            assertEquals(Set.of(), leftovers(disk, Set.of(target.getFileName().toString(), "filler")));
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    /**
     * A set of pictures and the page naming them ({@code evaluate --report}, {@code activations}),
     * on a disk with room for some of them, or with a folder in the way of the last picture: either
     * every new file is there, whole, and a link planted at one name was replaced, or the folder is
     * exactly as it was (its earlier page and link back in place, nothing new, no staging folder)
     * and the folders the run made (two levels) are gone. With room for the whole set (measured by
     * writing it elsewhere first) it must be written; without room for it, it must not.
     */
    @Property(tries = 40, seed = "20261202") // fixed: the coverage check below must not depend on luck
    void aFullDiskOrAFolderInTheWayLeavesTheFolderAsItWas(@ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 6) int pictures,
                                                          @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 700) int roomKb,
                                                          @ForAll boolean folderExisted, @ForAll boolean folderInTheWay)
            throws IOException, InterruptedException {
        long needed = 0; // tmpfs pages the set takes
        Path measure = Files.createTempDirectory(root, "measure");
        for (int i = 1; i <= pictures; i++) {
            Path png = measure.resolve(i + ".png");
            Gallery.featureMaps("maps " + i, noise(32 + i, 26 * 26), 26, 26, png);
            needed += (Files.size(png) + 4095) / 4096 * 4096;
        }
        needed += 4096; // the page
        boolean blocked = folderExisted && folderInTheWay && pictures >= 2;
        Path disk = Files.createTempDirectory(root, "set");
        assertTrue(mount(disk, 1024), "mounting a tmpfs needs root, as the CI runs");
        try {
            Path folder = folderExisted ? disk.resolve("report") : disk.resolve("a").resolve("b");
            Path victim = Files.writeString(root.resolve("victim-" + System.nanoTime()), "victim");
            byte[] earlier = "<p>an earlier report</p>".getBytes(StandardCharsets.US_ASCII);
            Set<String> before = new TreeSet<>();
            if (folderExisted) {
                Files.createDirectory(folder);
                Files.write(folder.resolve("index.html"), earlier);
                Files.createSymbolicLink(folder.resolve("01.png"), victim);
                before.addAll(Set.of("index.html", "01.png"));
                if (blocked) {
                    Path dir = Files.createDirectory(folder.resolve(String.format("%02d.png", pictures)));
                    Files.writeString(dir.resolve("keep"), "a folder in the way");
                    before.add(dir.getFileName().toString());
                }
            }
            long free = Files.getFileStore(disk).getUsableSpace();
            try {
                Files.write(disk.resolve("filler"), new byte[(int) Math.max(0, free - roomKb * 1024L)]);
            } catch (IOException full) {
                // tmpfs counts pages: the filler took what there was
            }
            long room = Files.getFileStore(disk).getUsableSpace();
            Set<String> names = new TreeSet<>(Set.of("index.html"));
            boolean written;
            String outcome = "written";
            try (dev.convnet.data.StagedFiles files = dev.convnet.data.StagedFiles.in(folder)) {
                for (int i = 1; i <= pictures; i++) {
                    Gallery.featureMaps("maps " + i, noise(32 + i, 26 * 26), 26, 26, files.staging().resolve(String.format("%02d.png", i)));
                    names.add(String.format("%02d.png", i));
                }
                AtomicFile.writeString(files.staging().resolve("index.html"), "<p>the new report</p>");
                files.commit("index.html");
                written = true;
            } catch (IOException e) {
                outcome = e.getMessage().contains("is a folder") ? "folder in the way" : "disk full";
                assertTrue(e.getMessage().contains("No space left on device") || blocked && outcome.equals("folder in the way"), e.toString());
                written = false;
            }
            net.jqwik.api.statistics.Statistics.label("outcome").collect(outcome);
            net.jqwik.api.statistics.Statistics.label("outcome").coverage(checker -> { // the tries meet each outcome
                checker.check("written").count(c -> c > 0);
                checker.check("disk full").count(c -> c > 0);
                checker.check("folder in the way").count(c -> c > 0);
            });
            assertEquals("victim", Files.readString(victim), "nothing was written through the planted link");
            if (blocked) {
                assertFalse(written, "a folder in the way of a picture stops the set");
            } else if (room >= needed + 64 * 1024) { // the staging folder and AtomicFile's temporary copies take a few pages
                assertTrue(written, "room " + room + " for a set of " + needed + " bytes");
            } else if (room < needed) {
                assertFalse(written, "room " + room + " for a set of " + needed + " bytes");
            }
            if (written) {
                assertEquals(names, leftovers(folder, Set.of()), "every file of the set");
                for (String name : names) {
                    assertTrue(Files.isRegularFile(folder.resolve(name), LinkOption.NOFOLLOW_LINKS), name + " is a file, not the link");
                    if (name.endsWith(".png")) {
                        assertNotNull(ImageIO.read(folder.resolve(name).toFile()), name + " is a whole PNG");
                    }
                }
                assertEquals("<p>the new report</p>", Files.readString(folder.resolve("index.html")));
            } else if (folderExisted) {
                assertEquals(before, leftovers(folder, Set.of()), "nothing new, no staging folder");
                assertArrayEquals(earlier, Files.readAllBytes(folder.resolve("index.html")), "the earlier page is unchanged");
                assertTrue(Files.isSymbolicLink(folder.resolve("01.png")), "the link it would have replaced is back");
            } else {
                assertFalse(Files.exists(disk.resolve("a")), "the two folders this run made are gone again");
            }
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    /**
     * A FIFO, a read-only file or the command's own input (its model, under a picture's name) at
     * one name of a set stops the set, and the folder stays as it was: an adversarial pass found
     * export, reports and activations replacing each of them (and evaluate's model named index.html).
     */
    @Property(tries = 12)
    void aSetNeverReplacesAFifoAReadOnlyFileOrItsInput(@ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 2) int what,
                                                       @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 3) int at)
            throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory(root, "kept");
        Path input = root.resolve("model-" + System.nanoTime() + ".zip");
        Files.writeString(input, "the model");
        Path name = folder.resolve(String.format("%02d.png", at));
        switch (what) {
            case 0 -> assertEquals(0, new ProcessBuilder("mkfifo", name.toString()).start().waitFor());
            case 1 -> {
                Files.writeString(name, "keep me");
                Files.setPosixFilePermissions(name, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
            }
            default -> Files.createLink(name, input);
        }
        IOException e = assertThrows(IOException.class, () -> {
            try (dev.convnet.data.StagedFiles files = dev.convnet.data.StagedFiles.in(folder, input)) {
                for (int i = 1; i <= 3; i++) {
                    Gallery.featureMaps("maps " + i, noise(8, 26 * 26), 26, 26, files.staging().resolve(String.format("%02d.png", i)));
                }
                files.commit("");
            }
        });
        assertTrue(e.getMessage().contains(new String[] {"a FIFO", "read-only", "the command's input"}[what]), e.getMessage());
        assertEquals(Set.of(name.getFileName().toString()), leftovers(folder, Set.of()), "nothing new, no staging folder");
        assertEquals("the model", Files.readString(input));
        if (what != 0) {
            assertEquals(what == 1 ? "keep me" : "the model", Files.readString(name));
        }
    }

    @Provide
    Arbitrary<Integer> diskSizes() {
        return Arbitraries.integers().between(16, 400);
    }

    private static void write(Writer writer, Path target) throws IOException {
        switch (writer) {
            case TEXT -> AtomicFile.writeString(target, "epoch,loss\n1,0.5\n".repeat(1000));
            case PNG -> Gallery.featureMaps("maps", noise(32, 26 * 26), 26, 26, target);
            case MODEL_WITH_RECORD -> new ModelStore().save(graph, target, "seed=1\n");
            case MODEL_TEXT -> new ModelStore().saveText("a=1\n".repeat(5000), target);
            case KERAS -> new dev.convnet.interop.KerasWriter().writeKeras(graph, target);
            case KERAS_H5 -> new dev.convnet.interop.KerasWriter().writeLegacyH5(graph, target);
            default -> throw new IllegalStateException(writer.name());
        }
    }

    private static void assertComplete(Writer writer, Path target) throws IOException {
        switch (writer) {
            case PNG -> assertNotNull(ImageIO.read(target.toFile()), "a whole PNG");
            case TEXT -> assertTrue(Files.readString(target).endsWith("1,0.5\n"), "the whole text");
            case MODEL_WITH_RECORD -> assertEquals("seed=1\n", new ModelStore().readRunRecord(target));
            default -> assertTrue(Files.size(target) > 0);
        }
    }

    private static String ending(Writer writer) {
        return switch (writer) {
            case PNG -> ".png";
            case KERAS -> ".keras";
            case KERAS_H5 -> ".h5";
            default -> ".zip";
        };
    }

    /** Files in {@code dir} other than {@code expected}: temporary files, lock files, zipfstmp*.tmp. */
    private static Set<String> leftovers(Path dir, Set<String> expected) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !expected.contains(n))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Fills the disk but for 4 kB (odd sizes) or nothing (even sizes). */
    private static void fill(Path disk, int kilobytes) throws IOException {
        int room = (kilobytes % 2) * 4096;
        long free = Files.getFileStore(disk).getUsableSpace();
        byte[] filler = new byte[(int) Math.max(0, free - room)];
        try {
            Files.write(disk.resolve("filler"), filler);
        } catch (IOException full) {
            // tmpfs counts pages: the filler took what there was
        }
    }

    private static boolean mount(Path dir, int kilobytes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        return p.waitFor() == 0;
    }

    /** Maps of random values: a PNG that does not compress to a few bytes. */
    private static float[][] noise(int maps, int size) {
        java.util.Random random = new java.util.Random(maps);
        float[][] m = new float[maps][size];
        for (float[] map : m) {
            for (int i = 0; i < size; i++) {
                map[i] = random.nextFloat();
            }
        }
        return m;
    }
}
