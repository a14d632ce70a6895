package dev.convnet.model;

import dev.convnet.data.FileErrors;
import dev.convnet.data.MnistLoader;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import dev.convnet.data.AtomicFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Saves and loads models as DL4J model zips, with their updater state so training can go on.
 *
 * <p>Saving never leaves a half-written file where a model is expected: the zip is written to a
 * temporary file in the same folder and then moved over the target in one atomic step.
 */
public final class ModelStore {
    /** Zip entry that holds a model's run record. */
    public static final String RUN_RECORD = "convnet-run.properties";
    /**
     * Zip entry that holds, for a run that averages its weights ({@code train --ema}), the weights the
     * optimiser steps (the network's own weights being their moving average): one value per
     * parameter in the order of {@code ComputationGraph.params()}, in ND4J's array format as
     * {@code coefficients.bin}, so that {@code train --resume} goes on exactly.
     */
    public static final String TRAINING_WEIGHTS = "convnet-training-weights.bin";
    /** The longest file name, in bytes, of Linux' file systems (ext4, XFS, Btrfs, tmpfs: NAME_MAX). */
    private static final int NAME_MAX = 255;

    /** Held while a file is written and renamed, so a process about to halt can wait for a whole file. */
    private final ReentrantLock writing = new ReentrantLock();
    /** Temporary files being written, for {@link #abandonWrites}. */
    private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();
    /** Lock files of outputs this store holds, for {@link #abandonWrites}. */
    private final Set<Path> heldLocks = ConcurrentHashMap.newKeySet();

    /**
     * Fails early, before any training, if {@code target} could not be written: its folder is
     * missing or read-only, it is a folder, a device, a FIFO or a socket (an atomic rename would
     * replace the device node with a zip), it is a read-only file (which a rename would silently
     * replace), or the temporary name used to write it is too long for the file system.
     */
    public void checkWritable(Path target) {
        Path folder = folderOf(target);
        if (!Files.isDirectory(folder)) {
            throw new ModelFileException("cannot save to " + target + ": folder " + folder
                    + (Files.exists(folder) ? " is not a folder" : " does not exist"));
        }
        refuseToReplace(target);
        Path probe = AtomicFile.temporaryFor(target);
        try {
            Files.deleteIfExists(probe);
            Files.delete(Files.createFile(probe));
        } catch (FileSystemException e) {
            // measured, not read from the system's message (ENAMETOOLONG has no exception type of its own)
            boolean tooLong = probe.getFileName().toString().getBytes(StandardCharsets.UTF_8).length > NAME_MAX;
            throw new ModelFileException("cannot save to " + target + ": " + (tooLong
                    ? "the name is too long (" + probe.getFileName().toString().length()
                            + " characters with the temporary suffix); choose a shorter one"
                    : "folder " + folder + " is not writable (" + FileErrors.describeCreate(e) + ")"), e);
        } catch (IOException e) {
            throw new ModelFileException("cannot save to " + target + ": folder " + folder + " is not writable ("
                    + FileErrors.describe(e) + ")", e);
        }
    }

    /**
     * Takes the lock that keeps two trainings from writing one output: the second is refused with
     * one line instead of both running and the last to finish silently winning. The lock is a
     * hidden file next to the target, locked with the operating system (so it is released even
     * when the process is killed) and removed on {@link OutputLock#close()}.
     */
    public OutputLock lock(Path target) {
        Path lockFile = folderOf(target).resolve("." + target.getFileName() + ".lock");
        OutputLock lock = OutputLock.acquire(target, lockFile, () -> heldLocks.remove(lockFile));
        heldLocks.add(lockFile);
        return lock;
    }

    /**
     * Deletes the temporary file of a write in progress, for a process about to halt (a second
     * Ctrl-C): waits up to {@code waitMillis} for the write to finish first, so a file that is
     * being renamed into place is not cut short; removes the lock files this store holds. Returns
     * true when no write was left half done.
     */
    public boolean abandonWrites(long waitMillis) {
        boolean quiet;
        try {
            quiet = writing.tryLock(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            quiet = false;
        }
        for (Path file : inFlight) {
            deleteBeforeHalt(file);
        }
        for (Path file : heldLocks) {
            deleteBeforeHalt(file); // the OS releases the lock itself when the process ends
        }
        return quiet;
    }

    private static void deleteBeforeHalt(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the process halts next
        }
    }

    /** Writes {@code graph} (parameters, configuration, updater state) atomically to {@code target}. */
    public void save(ComputationGraph graph, Path target) {
        save(graph, target, null);
    }

    /**
     * Writes {@code graph} atomically, with {@code runRecord} (text, e.g. the run's settings and
     * progress) stored inside the zip as {@value #RUN_RECORD}; DL4J ignores the extra entry.
     */
    public void save(ComputationGraph graph, Path target, String runRecord) {
        save(graph, target, runRecord, () -> { });
    }

    /**
     * As {@link #save(ComputationGraph, Path, String)}, then runs {@code inPlace} once the file is
     * renamed into place, before {@link #abandonWrites} can see the write as over: a process stopped
     * at that moment then reports the new file, not the one before it.
     */
    public void save(ComputationGraph graph, Path target, String runRecord, Runnable inPlace) {
        save(graph, target, runRecord, null, inPlace);
    }

    /**
     * As {@link #save(ComputationGraph, Path, String, Runnable)}, with {@code trainingWeights} (the
     * optimiser's weights of a run that averages them, in {@code params()} order; null for none) as
     * {@value #TRAINING_WEIGHTS}.
     */
    public void save(ComputationGraph graph, Path target, String runRecord, float[] trainingWeights, Runnable inPlace) {
        if (trainingWeights != null && trainingWeights.length != graph.numParams()) {
            throw new IllegalArgumentException(trainingWeights.length + " training weights for " + graph.numParams() + " parameters");
        }
        writeAtomically(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                if (runRecord == null && trainingWeights == null) {
                    ModelSerializer.writeModel(graph, out, true);
                } else {
                    writeWithExtras(graph, runRecord, trainingWeights, out);
                }
            }
        }, inPlace);
    }

    /**
     * DL4J's zip with the run record added as one more entry, written as one stream: the zip file
     * system used before wrote a temporary copy of its own next to the model ({@code zipfstmp*.tmp})
     * and left it behind when the disk filled. DL4J's zip is built in memory first (the size of the
     * parameters and updater state, which are in memory anyway) because it closes its zip stream.
     */
    private static void writeWithExtras(ComputationGraph graph, String runRecord, float[] trainingWeights,
                                        OutputStream out) throws IOException {
        ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
        ModelSerializer.writeModel(graph, dl4j, true);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(dl4j.toByteArray()));
             ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(out) {
                 @Override
                 public void write(byte[] b, int off, int len) throws IOException {
                     out.write(b, off, len);
                 }

                 @Override
                 public void close() throws IOException {
                     flush(); // the caller closes the file
                 }
             })) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.getName().equals(RUN_RECORD) && !entry.getName().equals(TRAINING_WEIGHTS)) {
                    zip.putNextEntry(new ZipEntry(entry.getName()));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
            if (runRecord != null) {
                zip.putNextEntry(new ZipEntry(RUN_RECORD));
                zip.write(runRecord.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            if (trainingWeights != null) {
                zip.putNextEntry(new ZipEntry(TRAINING_WEIGHTS));
                DataOutputStream data = new DataOutputStream(zip);
                Nd4j.write(Nd4j.createFromArray(trainingWeights), data);
                data.flush();
                zip.closeEntry();
            }
        }
    }

    /** The run record saved with a model, or null if it has none; its size is bounded like every entry's. */
    public String readRunRecord(Path file) {
        checkModelZip(file);
        return new ModelZipCheck(file, RUN_RECORD).runRecord();
    }

    /**
     * The optimiser's weights saved with a model whose weights are their moving average
     * ({@value #TRAINING_WEIGHTS}), one per parameter in {@code params()} order, or null if it has
     * none. The entry is checked as {@link #load} checks the parameters: exactly the configuration's
     * count, every byte present, all finite.
     */
    public float[] readTrainingWeights(Path file) {
        checkModelZip(file);
        new ModelZipCheck(file, RUN_RECORD).check();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(TRAINING_WEIGHTS);
            if (entry == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(zip.getInputStream(entry))) {
                INDArray values = Nd4j.read(in);
                if (!isFinite(values)) {
                    throw new ModelFileException(file + ": the optimiser's weights saved with the model contain NaN or "
                            + "infinite values; it cannot be resumed, retrain it");
                }
                return values.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(-1).toFloatVector();
            }
        } catch (IOException e) {
            throw new ModelFileException(file + ": cannot read (" + FileErrors.describe(e) + ")", e);
        }
    }

    /** Writes a text file next to a model, atomically like the model itself. */
    public void saveText(String text, Path target) {
        writeAtomically(target, tmp -> Files.writeString(tmp, text, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), () -> { });
    }

    /**
     * Loads a model saved by {@link #save}, checking that it fits 28x28 greyscale images and 10
     * classes. Every size the file declares is checked against the configuration and the bytes
     * really present before DL4J sees the file (see {@link ModelZipCheck}), and weights or optimiser
     * state that are not finite are refused rather than served as NaN answers.
     */
    public ComputationGraph load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(file + ": no such model file");
        }
        checkModelZip(file);
        new ModelZipCheck(file, RUN_RECORD).check();
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(file.toFile(), true);
        } catch (Exception | LinkageError e) {
            throw new ModelFileException(file + " is not a convnet model file (" + describe(e) + ")", e);
        }
        checkFitsMnist(file, graph);
        checkFinite(file, graph);
        return graph;
    }

    private static void checkFinite(Path file, ComputationGraph graph) {
        if (!isFinite(graph.params())) {
            throw new ModelFileException(file + ": the model's weights contain NaN or infinite values "
                    + "(it was saved from a diverged run, or altered); retrain it");
        }
        if (graph.getUpdater(false) != null && !isFinite(graph.getUpdater(false).getStateViewArray())) {
            throw new ModelFileException(file + ": the model's optimiser state contains NaN or infinite values; "
                    + "it cannot be resumed, retrain it");
        }
    }

    private static boolean isFinite(INDArray values) {
        return values == null || values.isEmpty()
                || !(BooleanIndexing.or(values, Conditions.isNan()) || BooleanIndexing.or(values, Conditions.isInfinite()));
    }

    /** One clear error for files that are not zips, damaged zips, and zips without a DL4J network. */
    private static void checkModelZip(Path file) {
        if (!isZip(file)) {
            String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".onnx")) {
                throw new ModelFileException(file + " is an ONNX file: convnet writes ONNX ('convnet export') but reads"
                        + " only its own .zip models and Keras .keras and .h5 files; give the .zip it was exported from");
            }
            throw new ModelFileException(file + " is not a convnet model file (not a zip archive)");
        }
    }

    /**
     * Whether {@code file} is a zip holding a DL4J network's configuration and coefficients, as
     * convnet saves them (only the zip's central directory is read; nothing is checked beyond the
     * names: loading checks the rest).
     */
    public static boolean looksLikeConvnetModel(Path file) {
        if (!Files.isRegularFile(file) || !isZip(file)) {
            return false;
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            return zip.getEntry(ModelZipCheck.CONFIGURATION) != null && zip.getEntry(ModelZipCheck.COEFFICIENTS) != null;
        } catch (IOException | RuntimeException e) {
            return false; // a damaged zip: whoever reads it says what is wrong
        }
    }

    private static boolean isZip(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            throw new ModelFileException(file + ": cannot read (" + FileErrors.describe(e) + ")", e);
        }
    }

    private static void checkFitsMnist(Path file, ComputationGraph graph) {
        if (graph.getConfiguration().getNetworkInputs().size() != 1
                || graph.getConfiguration().getNetworkOutputs().size() != 1) {
            throw new ModelFileException(file + ": model must have one input and one output");
        }
        for (GraphVertex vertex : graph.getVertices()) {
            if (!vertex.hasLayer()) {
                continue;
            }
            Layer layer = vertex.getLayer().conf().getLayer();
            if (layer instanceof ConvolutionLayer conv && isFirstLayer(graph, vertex) && conv.getNIn() != 1) {
                throw new ModelFileException(file + ": model expects " + conv.getNIn()
                        + "-channel images, the data has 1 channel (greyscale)");
            }
            if (layer instanceof OutputLayer out && out.getNOut() != MnistLoader.CLASSES) {
                throw new ModelFileException(file + ": model predicts " + out.getNOut()
                        + " classes, the data has " + MnistLoader.CLASSES);
            }
        }
    }

    private static boolean isFirstLayer(ComputationGraph graph, GraphVertex vertex) {
        String input = graph.getConfiguration().getNetworkInputs().get(0);
        return graph.getConfiguration().getVertexInputs().get(vertex.getVertexName()).contains(input);
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : firstLine(message);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Path folderOf(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        return parent == null ? Path.of(".") : parent;
    }

    /** Refuses a target that exists and is not a regular file we may replace. */
    private static void refuseToReplace(Path target) {
        if (Files.isDirectory(target)) {
            throw new ModelFileException("cannot save to " + target + ": it is a folder");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target)) {
            throw new ModelFileException("cannot save to " + target + ": it exists and is not a regular file "
                    + "(a device, FIFO, socket or broken link); choose a file name");
        }
        if (Files.isRegularFile(target) && AtomicFile.isReadOnly(target)) {
            throw new ModelFileException("cannot save to " + target + ": " + AtomicFile.READ_ONLY);
        }
    }

    private interface Writer {
        void write(Path tmp) throws IOException;
    }

    private void writeAtomically(Path target, Writer writer, Runnable inPlace) {
        refuseToReplace(target);
        Path tmp = AtomicFile.temporaryFor(target);
        writing.lock();
        try {
            inFlight.add(tmp);
            AtomicFile.write(target, tmp, writer::write,
                    () -> refuseToReplace(target)); // again: the target may have changed while we wrote
            inPlace.run();
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException("could not save " + target + " (" + (e instanceof IOException io
                    ? FileErrors.describe(io) : describe(e)) + "); any earlier file there is unchanged", e);
        } finally {
            inFlight.remove(tmp);
            writing.unlock();
        }
    }
}
