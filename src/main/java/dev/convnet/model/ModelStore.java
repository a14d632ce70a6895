package dev.convnet.model;

import dev.convnet.data.MnistLoader;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves and loads models as DL4J model zips, with their updater state so training can go on.
 *
 * <p>Saving never leaves a half-written file where a model is expected: the zip is written to a
 * temporary file in the same folder and then moved over the target in one atomic step.
 */
public final class ModelStore {
    /** Zip entry that holds a model's run record. */
    public static final String RUN_RECORD = "convnet-run.properties";

    /** Fails early, before any training, if {@code target} could not be written. */
    public void checkWritable(Path target) {
        Path folder = folderOf(target);
        if (!Files.isDirectory(folder)) {
            throw new ModelFileException("cannot save to " + target + ": folder " + folder + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new ModelFileException("cannot save to " + target + ": it is a folder");
        }
        try {
            Files.delete(Files.createTempFile(folder, ".convnet-write-test", ".tmp"));
        } catch (IOException e) {
            throw new ModelFileException("cannot save to " + target + ": folder " + folder + " is not writable", e);
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
        writeAtomically(target, tmp -> {
            ModelSerializer.writeModel(graph, tmp.toFile(), true);
            if (runRecord != null) {
                try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
                    Files.writeString(zip.getPath(RUN_RECORD), runRecord);
                }
            }
        });
    }

    /** The run record saved with a model, or null if it has none. */
    public String readRunRecord(Path file) {
        checkModelZip(file);
        try (FileSystem zip = FileSystems.newFileSystem(file)) {
            Path entry = zip.getPath(RUN_RECORD);
            return Files.exists(entry) ? Files.readString(entry) : null;
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(file + " is not a convnet model file (" + describe(e) + ")", e);
        }
    }

    /** Writes a text file next to a model, atomically like the model itself. */
    public void saveText(String text, Path target) {
        writeAtomically(target, tmp -> Files.writeString(tmp, text));
    }

    /** Loads a model saved by {@link #save}, checking that it fits 28x28 greyscale images and 10 classes. */
    public ComputationGraph load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(file + ": no such model file");
        }
        checkModelZip(file);
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(file.toFile(), true);
        } catch (Exception | LinkageError e) {
            throw new ModelFileException(file + " is not a convnet model file (" + describe(e) + ")", e);
        }
        checkFitsMnist(file, graph);
        return graph;
    }

    /** One clear error for files that are not zips, damaged zips, and zips without a DL4J network. */
    private static void checkModelZip(Path file) {
        if (!isZip(file)) {
            throw new ModelFileException(file + " is not a convnet model file (not a zip archive)");
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            if (zip.getEntry("configuration.json") == null || zip.getEntry("coefficients.bin") == null) {
                throw new ModelFileException(file + " is a zip archive but not a convnet model (no DL4J network inside)");
            }
        } catch (IOException e) {
            throw new ModelFileException(file + " is a damaged or truncated model file (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isZip(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            throw new ModelFileException(file + ": cannot read (" + e.getMessage() + ")", e);
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

    private interface Writer {
        void write(Path tmp) throws IOException;
    }

    private static void writeAtomically(Path target, Writer writer) {
        Path folder = folderOf(target);
        Path tmp = null;
        try {
            // Not createTempFile: its owner-only permissions would carry over to the model.
            tmp = Files.createFile(folder.resolve("." + target.getFileName() + "." + System.nanoTime() + ".tmp"));
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException("could not save " + target + " (" + describe(e)
                    + "); any earlier file there is unchanged", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }
}
