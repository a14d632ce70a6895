package dev.convnet.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.cli.InProcessCli;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.platform.NativeRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Keras files whose weights would be served as NaN or would exhaust memory: generated NaN and
 * infinite weights in any layer, weights entries that inflate past what the architecture needs, and
 * HDF5 chunks far larger than their dataset. Each ends in one line, exit 1, and no file written.
 */
class KerasHostileWeightsIT {
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        NativeRuntime.start();
        dir = Files.createTempDirectory("keras-hostile");
    }

    @Provide
    Arbitrary<Float> notFinite() {
        return Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    @Property(tries = 8)
    void aNaNOrInfiniteWeightIsRefusedNamingItsLayer(@ForAll @IntRange(min = 0, max = 3) int layerIndex, @ForAll boolean bias,
                                                    @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
                                                    @ForAll("notFinite") float value) throws IOException {
        ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.001, 5));
        List<Layer> weighted = java.util.Arrays.stream(graph.getLayers()).filter(l -> l.numParams() > 0).toList();
        Layer layer = weighted.get(layerIndex);
        var param = layer.getParam(bias ? "b" : "W");
        long at = (long) (where * param.length());
        param.putScalar(at, value);
        Path file = dir.resolve("poisoned-" + System.nanoTime() + ".keras");
        new KerasWriter().writeKeras(graph, file);

        InteropException e = assertThrows(InteropException.class, () -> new KerasReader().read(file));
        assertTrue(e.getMessage().contains("the " + (bias ? "bias" : "kernel") + " of layer ")
                && e.getMessage().contains(Float.isNaN(value) ? "holds NaN" : "holds an infinite value"), e.getMessage());

        Path out = dir.resolve("imported-" + System.nanoTime() + ".zip");
        assertOneLine(InProcessCli.run("import", file.toString(), "-o", out.toString()), "import", "holds");
        assertFalse(Files.exists(out), "import wrote nothing");
        assertOneLine(InProcessCli.run("predict", file.toString(), "--index", "0"), "predict", "holds");
    }

    /**
     * A negative moving variance (no Keras run writes one): import, which keeps BatchNormalization
     * as a layer, refuses it naming the layer; predict, which folds it, finds the fold not finite.
     * Either way one line and nothing written, never NaN answers or a NaN training run; wherever the
     * BatchNormalization layers sit (before the ReLU, after it, after the pooling).
     */
    @Property(tries = 6)
    void aNegativeMovingVarianceIsRefused(@ForAll @IntRange(min = 0, max = 2) int norm,
                                          @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
                                          @ForAll @IntRange(min = 0, max = 2) int placement) {
        var placements = new java.util.ArrayList<dev.convnet.model.BatchNormPlacement>();
        for (int conv = 0; conv < 3; conv++) { // the last convolution has no pooling after it
            placements.add(dev.convnet.model.BatchNormPlacement.values()[Math.min(placement + 1, conv == 2 ? 2 : 3)]);
        }
        ComputationGraph graph = ConvNetModel.create(dev.convnet.model.Architecture.BOOK.withBatchNorms(placements),
                new Hyperparameters(0.001, 5));
        var variance = graph.getLayer(norm == 0 ? "batch_normalization" : "batch_normalization_" + norm).getParam("var");
        variance.putScalar((long) (where * variance.length()), -4f);
        Path file = dir.resolve("negative-variance-" + System.nanoTime() + ".keras");
        new KerasWriter().writeKeras(graph, file);

        InteropException e = assertThrows(InteropException.class, () -> new KerasReader().readForFineTuning(file));
        assertTrue(e.getMessage().contains("moving_variance of batch_normalization") && e.getMessage().contains("is negative"),
                e.getMessage());
        Path out = dir.resolve("imported-" + System.nanoTime() + ".zip");
        assertOneLine(InProcessCli.run("import", file.toString(), "-o", out.toString()), "import", "is negative");
        assertFalse(Files.exists(out), "import wrote nothing");
        assertOneLine(InProcessCli.run("predict", file.toString(), "--index", "0"), "predict", "is negative"); // folded for inference: the same check
    }

    @Property(tries = 4)
    void aWeightsEntryLargerThanTheArchitectureNeedsIsRefusedUnread(@ForAll @IntRange(min = 8, max = 48) int mebibytes)
            throws IOException {
        Path bomb = dir.resolve("bomb-" + mebibytes + ".keras");
        try (ZipFile book = new ZipFile(KerasFixtures.file("book.keras").toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
            for (Enumeration<? extends ZipEntry> en = book.entries(); en.hasMoreElements(); ) {
                ZipEntry entry = en.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("model.weights.h5")) {
                    byte[] zeros = new byte[1 << 20];
                    for (int i = 0; i < mebibytes; i++) {
                        out.write(zeros);
                    }
                } else {
                    try (InputStream in = book.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
        long before = allocatedBytes();
        assertOneLine(InProcessCli.run("summary", bomb.toString()), "summary",
                "model.weights.h5 inflates to " + ((long) mebibytes << 20) + " bytes, more than a model of this architecture needs");
        assertTrue(allocatedBytes() - before < (long) mebibytes << 20, "refused from the zip's header, before inflating");
    }

    /**
     * jhdf inflates a whole chunk: chunks of 2 and 32 MiB (the ends of the range once drawn at
     * random here, fixed so that a failure replays; one Python start-up for both) far above their
     * kernel's 1,152 bytes are refused unread.
     */
    @org.junit.jupiter.api.Test
    void aChunkFarLargerThanItsDatasetIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<Integer> sizes = List.of(2, 32);
        String script = String.join("\n",
                "import h5py, shutil, sys",
                "for target, mib in zip(sys.argv[2::2], sys.argv[3::2]):",
                "    shutil.copy(sys.argv[1], target)",
                "    with h5py.File(target, 'r+') as f:",
                "        g = f['model_weights']",
                "        names = []",
                "        g.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and o.shape == (3, 3, 1, 32) else None)",
                "        data = g[names[0]][...]",
                "        del g[names[0]]",
                "        rows = int(mib) * 1024 * 1024 // (4 * 32 * 3)",
                "        d = g.create_dataset(names[0], shape=data.shape, maxshape=(None, None, None, None), dtype='f4',",
                "                             chunks=(rows, 3, 1, 32), compression='gzip')",
                "        d[...] = data");
        List<String> args = new java.util.ArrayList<>(List.of(KerasFixtures.file("book.h5").toString()));
        for (int mib : sizes) {
            args.add(dir.resolve("chunk-" + mib + ".h5").toString());
            args.add(String.valueOf(mib));
        }
        runPython(dir.resolve("chunk.py"), script, args);
        for (int mib : sizes) {
            assertOneLine(InProcessCli.run("summary", dir.resolve("chunk-" + mib + ".h5").toString()), "summary",
                    "the kernel of conv2d is stored in chunks of ");
        }
    }

    /**
     * A gzip chunk of the size its dataset declares, whose stream inflates to 32 MiB, far past it
     * (written with h5py's write_direct_chunk), in a .h5 and inside a .keras: refused before jhdf
     * inflates it (it inflated 1 GiB for a 46 kB kernel: 6.3 GB RSS, and served the truncated rest).
     * 32 MiB is the smallest of the sizes once drawn at random here: the allocation bound below is
     * tightest for it.
     */
    @org.junit.jupiter.api.Test
    void aChunkThatInflatesPastItsDatasetIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        int mebibytes = 32;
        String script = String.join("\n",
                "import h5py, shutil, sys, zlib, zipfile",
                "source, keras, h5, mib = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])",
                "def bomb(path, rows=1152):",
                "    with h5py.File(path, 'r+') as f:",
                "        names = []",
                "        f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and o.shape == (1152, 10) else None)",
                "        data = f[names[0]][...]",
                "        del f[names[0]]",
                "        d = f.create_dataset(names[0], shape=(1152, 10), dtype='f4', chunks=(rows, 10), compression='gzip')",
                "        d[...] = data",
                "        z = zlib.compressobj(9)",
                "        d.id.write_direct_chunk((1152 - rows, 0), b''.join(z.compress(bytes(1 << 20)) for _ in range(mib)) + z.flush(), 0)",
                "shutil.copy(source + '.h5', h5)",
                "bomb(h5)",
                "shutil.copy(source + '.h5', h5 + '.two-chunks.h5')",
                "bomb(h5 + '.two-chunks.h5', 576)",
                "with zipfile.ZipFile(source + '.keras') as z:",
                "    z.extractall(keras + '.d')",
                "bomb(keras + '.d/model.weights.h5')",
                "with zipfile.ZipFile(keras, 'w') as z:",
                "    for name in ('metadata.json', 'config.json', 'model.weights.h5'):",
                "        z.write(keras + '.d/' + name, name)");
        String source = KerasFixtures.file("book.h5").toString();
        runPython(dir.resolve("inflate.py"), script, List.of(source.substring(0, source.length() - 3),
                dir.resolve("bomb.keras").toString(), dir.resolve("bomb.h5").toString(), String.valueOf(mebibytes)));
        for (String file : List.of("bomb.h5", "bomb.keras", "bomb.h5.two-chunks.h5")) { // the last: the second of two chunks
            long before = allocatedBytes();
            assertOneLine(InProcessCli.run("summary", dir.resolve(file).toString()), "summary",
                    "the kernel of dense has a compressed chunk that expands past the " + (file.contains("two") ? 23040 : 46080)
                            + " bytes its dataset declares for a chunk");
            assertTrue(allocatedBytes() - before < (long) mebibytes << 20, file + ": refused before inflating");
        }
    }

    /**
     * HDF5 storage Keras never writes, made with h5py on each layer's kernel: what jhdf would
     * misread (shuffle then Fletcher-32 uncompressed: finite, scrambled weights), a checksum that no
     * longer matches, links (to a FIFO in another file: jhdf would block on it for ever), a dataset
     * never written, booleans and complex numbers, a 9 MiB model_config. Each is refused in one line;
     * what jhdf reads right (the checksum alone, or with shuffle and gzip) gives book.h5's weights.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"conv2d", "conv2d_1", "conv2d_2", "dense"})
    void hdf5StorageKerasNeverWritesIsRefusedOrReadExactly(String layer, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String kernel = layer + "/" + layer + "/kernel";
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        String script = String.join("\n",
                "import h5py, json, shutil, sys, numpy as np",
                "source, out, key, fifo = sys.argv[1], sys.argv[2], 'model_weights/' + sys.argv[3], sys.argv[4]",
                "def variant(name, make, path=None):",
                "    target = out + '/' + name + '.h5'",
                "    shutil.copy(source, target)",
                "    with h5py.File(target, 'r+') as f:",
                "        data = f[key][...]",
                "        del f[key]",
                "        make(f, data)",
                "variant('shuffle-fletcher', lambda f, d: f.create_dataset(key, data=d, chunks=True, shuffle=True, fletcher32=True))",
                "variant('fletcher', lambda f, d: f.create_dataset(key, data=d, chunks=True, fletcher32=True))",
                "variant('shuffle-gzip-fletcher', lambda f, d: f.create_dataset(key, data=d, chunks=True, shuffle=True,",
                "        compression='gzip', fletcher32=True))",
                "def corrupt(f, d):",
                "    ds = f.create_dataset(key, data=d, chunks=d.shape, fletcher32=True)",
                "    mask, raw = ds.id.read_direct_chunk((0,) * d.ndim)",
                "    raw = bytearray(raw); raw[len(raw) // 2] ^= 0x40",
                "    ds.id.write_direct_chunk((0,) * d.ndim, bytes(raw), mask)",
                "variant('checksum', corrupt)",
                "variant('external-fifo', lambda f, d: f.__setitem__(key, h5py.ExternalLink(fifo, '/k')))",
                "def soft(f, d):",
                "    f['elsewhere'] = d",
                "    f[key] = h5py.SoftLink('/elsewhere')",
                "variant('soft-link', soft)",
                "variant('never-written', lambda f, d: f.create_dataset(key, shape=d.shape, dtype='f4', fillvalue=0.5))",
                "variant('bool', lambda f, d: f.create_dataset(key, data=d > 0))",
                "variant('complex', lambda f, d: f.create_dataset(key, data=d.astype('c8')))",
                "def big_config(f, d):",
                "    f[key] = d",
                "    c = json.loads(f.attrs['model_config']); c['config']['padding'] = 'x' * (9 << 20)",
                "    f.attrs['model_config'] = json.dumps(c)",
                "variant('big-config', big_config)");
        runPython(dir.resolve("storage.py"), script, List.of(KerasFixtures.file("book.h5").toString(), dir.toString(),
                kernel, fifo.toString()));
        String of = "the kernel of " + layer;
        java.util.Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("shuffle-fletcher", of + " is stored with the shuffle filter then a Fletcher-32 checksum and no compression");
        refusals.put("checksum", of + " fails its Fletcher-32 checksum");
        refusals.put("external-fifo", "is an HDF5 external link to another file");
        refusals.put("soft-link", "is an HDF5 link");
        refusals.put("never-written", of + " was never written");
        refusals.put("bool", of + " holds enumerated (h5py writes bool so) values");
        refusals.put("complex", of + " holds compound (h5py writes complex numbers so) values");
        refusals.put("big-config", "its 'model_config' attribute declares 94"); // 9 MiB and the rest of the config
        for (var refusal : refusals.entrySet()) {
            Path file = dir.resolve(refusal.getKey() + ".h5");
            InProcessCli.Run run = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> InProcessCli.run("summary", file.toString()), refusal.getKey() + ": no answer within a minute");
            assertOneLine(run, "summary", refusal.getValue());
        }
        KerasModel book = new KerasReader().read(KerasFixtures.file("book.h5"));
        for (String readable : List.of("fletcher", "shuffle-gzip-fletcher")) {
            KerasModel model = new KerasReader().read(dir.resolve(readable + ".h5"));
            for (int i = 0; i < book.weights().size(); i++) {
                assertTrue(java.util.Arrays.equals(book.weights().get(i).kernel(), model.weights().get(i).kernel()), readable);
            }
        }
    }

    /** Writes {@code script} to {@code py} and runs it with the reference venv's Python; fails with its output if it fails. */
    private static void runPython(Path py, String script, List<String> args) throws Exception {
        Files.writeString(py, script);
        List<String> command = new java.util.ArrayList<>(List.of(ReferencePython.python(), py.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static void assertOneLine(InProcessCli.Run run, String command, String message) {
        assertEquals(1, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("convnet " + command + ": error: "), run.err());
        assertTrue(run.err().contains(message), run.err());
    }
}
