package dev.convnet.interop;

import dev.convnet.model.BatchNormPlacement;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a Keras model file: a Keras 3 {@code .keras} zip (config.json + model.weights.h5) or a
 * legacy {@code .h5} (Keras 2 or Keras 3), without DL4J's importer and without native code.
 *
 * <p>HDF5 is read with jhdf, a pure-Java reader: a damaged or hostile file ends in an exception we
 * turn into one line, never in a crash of native code. Every size read from a file is checked
 * against what the architecture expects before anything is allocated for it.
 */
public final class KerasReader {
    /** Larger than any model convnet builds with sane filters; bounds what is read into memory. */
    static final long MAX_FILE_BYTES = 512L << 20;
    static final int MAX_CONFIG_BYTES = 8 << 20;
    /** The most a version string or a layer's list of weight names may declare (HDF5 attributes). */
    private static final int MAX_NAME_BYTES = 64 << 10;
    /** Chunks up to this size are fine whatever the data: h5py's own chunks for small datasets are this order. */
    private static final long MIN_CHUNK_BYTES = 1 << 20;
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** True for the file names convnet treats as Keras models: {@code .keras}, {@code .h5}, {@code .hdf5}. */
    public static boolean isKerasFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5");
    }

    /**
     * Whether {@code file} holds a Keras model or weights, so that an export may replace it: a zip
     * with {@code config.json} (a .keras file), or an HDF5 file whose root has Keras' attribute
     * {@code keras_version} or {@code model_config} (legacy {@code model.save}) or a group
     * {@code layers} (Keras 3's {@code save_weights}). A dataset's .h5 or any other zip is none, nor
     * is a damaged file.
     *
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static boolean holdsKeras(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HDF5_MAGIC.length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            if (startsWith(head, ZIP_MAGIC)) {
                try (ZipFile zip = new ZipFile(file.toFile())) {
                    return zip.getEntry("config.json") != null;
                }
            }
            if (startsWith(head, HDF5_MAGIC)) {
                try (HdfFile hdf = new HdfFile(file)) {
                    return hdf.getAttribute("keras_version") != null || hdf.getAttribute("model_config") != null
                            || hdf.getChildren().containsKey("layers");
                }
            }
        } catch (IOException | RuntimeException damaged) {
            return false;
        }
        return false;
    }

    /**
     * Refuses a TensorFlow SavedModel directory ({@code saved_model.pb} and {@code variables/}) in one
     * line that says how to get a file convnet reads. Keras 2's {@code model.save(dir)} also writes
     * {@code keras_metadata.pb}, from which Keras 2 rebuilds the layers; what {@code tf.saved_model.save}
     * and Keras 3's {@code model.export(dir)} write holds a TensorFlow graph alone, which Keras 3's
     * {@code load_model} refuses ("Keras 3 only supports V3 .keras files and legacy H5 format files"),
     * so the model must be saved again where it was built. Does nothing for anything else.
     *
     * @throws InteropException for a SavedModel directory
     */
    public static void refuseSavedModel(Path given) {
        // saved_model.pb itself names its directory
        Path path = given.getFileName() != null && given.getFileName().toString().equals("saved_model.pb")
                && given.toAbsolutePath().getParent() != null ? given.toAbsolutePath().getParent() : given;
        if (!Files.isDirectory(path) || !Files.isRegularFile(path.resolve("saved_model.pb"))) {
            return;
        }
        if (Files.isRegularFile(path.resolve("keras_metadata.pb"))) {
            throw new InteropException(path + ": a TensorFlow SavedModel directory written by Keras 2's model.save, not a "
                    + "Keras model file; convert it with Keras 2: tf.keras.models.load_model(\"" + path + "\").save(\"model.h5\") "
                    + "(TensorFlow 2.15 or older; with the tf_keras package, tf_keras.models.load_model), then give convnet model.h5");
        }
        throw new InteropException(path + ": a TensorFlow SavedModel directory (saved_model.pb, variables/: what "
                + "tf.saved_model.save and Keras 3's model.export write), not a Keras model file; it holds a TensorFlow graph, "
                + "not Keras layers, and Keras 3's load_model refuses it too: save the model where it was built with "
                + "model.save(\"model.keras\") and give convnet that file");
    }

    /**
     * Reads {@code file} for inference: every BatchNormalization folded into the weights of the
     * layer next to it, or, where no fold is exact (a negative scale through a max pooling, a shift
     * under 'same' padding), kept as a layer as {@link #readForFineTuning} keeps it; InteropException
     * with one line naming the file and the problem.
     */
    public KerasModel read(Path file) {
        try {
            return read(file, false);
        } catch (UnfoldableBatchNormException e) {
            // not foldable exactly: kept as a layer, as import keeps it, it computes what Keras computes
            try {
                return read(file, true);
            } catch (InteropException stillNot) {
                throw e;
            }
        }
    }

    /**
     * Reads {@code file} to fine-tune it ({@code convnet import}, then {@code train --resume}): each
     * BatchNormalization around a convolution is kept as a layer with Keras' momentum, epsilon and
     * moving statistics, so that training normalises by each batch as Keras does, wherever Keras
     * put it: before the ReLU (Conv2D, BatchNormalization, ReLU), after it (Conv2D(activation="relu"),
     * BatchNormalization), or after the pooling, on every convolution or some. Folded as {@link #read}
     * folds them: one after the output Dense or after Flatten (convnet's graph has no place for
     * them), a second one around the same convolution, one without a learned gamma and beta (DL4J
     * learns both). The same holds for the hidden Dense of the chapter-2 dense model. Dropout before
     * the output layer is kept either way.
     */
    public KerasModel readForFineTuning(Path file) {
        return read(file, true);
    }

    private KerasModel read(Path file, boolean fineTuning) {
        String name = file.toString();
        refuseSavedModel(file);
        if (!Files.isRegularFile(file)) {
            throw new InteropException(name + ": no such Keras model file");
        }
        byte[] head;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(8);
            size = Files.size(file);
        } catch (IOException e) {
            throw new InteropException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (size > MAX_FILE_BYTES) {
            throw new InteropException(name + ": " + size + " bytes is larger than any model convnet builds (at most "
                    + (MAX_FILE_BYTES >> 20) + " MiB)");
        }
        String sha256 = sha256(file);
        if (startsWith(head, ZIP_MAGIC)) {
            return readKeras(file, name, sha256, fineTuning);
        }
        if (startsWith(head, HDF5_MAGIC)) {
            try (HdfFile hdf = new HdfFile(file)) {
                return readLegacyH5(hdf, file, name, sha256, fineTuning);
            } catch (InteropException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw damagedHdf5(name, e);
            }
        }
        throw new InteropException(name + ": not a Keras model file (neither a .keras archive nor an HDF5 .h5 file)");
    }

    private KerasModel readKeras(Path file, String name, String sha256, boolean fineTuning) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String config = new String(entry(zip, name, "config.json", MAX_CONFIG_BYTES), StandardCharsets.UTF_8);
            String version = kerasVersion(zip, name);
            KerasArchitecture arch = KerasArchitecture.of(name, KerasConfig.parse(name, config));
            List<ChainLayer> expected = weightedLayers(arch);
            byte[] weights = entry(zip, name, "model.weights.h5", weightsLimit(expected));
            try (HdfFile hdf = HdfFile.fromBytes(weights)) {
                Group layers = kerasLayersGroup(hdf, name);
                List<KerasModel.BatchNormWeights> kept = new ArrayList<>();
                BatchNormPlacement[] placements = placements(arch);
                return model(arch, readWeights(name, arch, expected, fineTuning, placements, kept, (layerName, savePath, n) -> {
                    Node variable = HdfGuards.childWithinFile(layers, savePath + "/vars/" + n,
                            () -> name + ": variable " + n + " of " + layerName);
                    return variable instanceof Dataset d ? d : null;
                }), new KerasSource(file, "keras", version, sha256), kept, placements);
            } catch (InteropException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw damagedHdf5(name + " (model.weights.h5)", e);
            }
        } catch (ZipException e) {
            boolean keras = name.toLowerCase(java.util.Locale.ROOT).endsWith(".keras"); // damaged.zip is no .keras file
            throw new InteropException(name + ": damaged or truncated " + (keras ? ".keras" : "zip") + " archive (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InteropException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Group kerasLayersGroup(HdfFile hdf, String name) {
        for (String key : List.of("layers", "_layer_checkpoint_dependencies")) {
            if (hdf.getChild(key) instanceof Group g) {
                return g;
            }
        }
        throw new InteropException(name + ": model.weights.h5 has no 'layers' group: not weights saved by Keras 3");
    }

    private static String kerasVersion(ZipFile zip, String name) throws IOException {
        if (zip.getEntry("metadata.json") == null) {
            return "unknown";
        }
        String metadata = new String(entry(zip, name, "metadata.json", MAX_CONFIG_BYTES), StandardCharsets.UTF_8);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(metadata).path("keras_version").asText("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * What model.weights.h5 may take for these layers: every weight and up to three optimiser slots
     * (Adam's two moments and more) as float64, plus room for HDF5's own structures. A weights entry
     * that inflates beyond this (a zip bomb) is refused after reading at most this much.
     */
    static int weightsLimit(List<ChainLayer> layers) {
        long parameters = 0;
        for (ChainLayer layer : layers) {
            parameters += layer instanceof ChainLayer.Conv c
                    ? (long) c.kernel() * c.kernel() * c.inChannels() * c.filters() + c.filters()
                    : (long) ((ChainLayer.Dense) layer).inputs() * ((ChainLayer.Dense) layer).units()
                            + ((ChainLayer.Dense) layer).units();
        }
        return (int) Math.min(MAX_FILE_BYTES, parameters * 4 * Double.BYTES + (4L << 20));
    }

    /**
     * An entry's bytes, refusing more than {@code limit} whatever the zip's header claims, and an
     * entry whose header declares more before anything is read.
     */
    private static byte[] entry(ZipFile zip, String name, String entryName, int limit) throws IOException {
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new InteropException(name + ": .keras archive without " + entryName
                    + " (not a model saved by Keras 3's model.save)");
        }
        if (entry.getSize() > limit) {
            throw tooLarge(name, entryName, entry.getSize() + " bytes", limit);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(entry.getSize() >= 0 ? (int) entry.getSize() : limit);
            if (in.read() >= 0) {
                throw tooLarge(name, entryName, entry.getSize() >= 0 ? "more than the " + entry.getSize()
                        + " bytes its header declares" : "more than " + limit + " bytes", limit);
            }
            return bytes;
        }
    }

    private static InteropException tooLarge(String name, String entryName, String size, int limit) {
        return new InteropException(name + ": " + entryName + " inflates to " + size + ", more than a model of this "
                + "architecture needs (at most " + limit + " bytes); the archive is damaged or hostile");
    }

    private KerasModel readLegacyH5(HdfFile hdf, Path file, String name, String sha256, boolean fineTuning) {
        String config = HdfGuards.stringAttribute(hdf, "model_config", MAX_CONFIG_BYTES, name);
        if (config == null) {
            // Keras 3's save_weights (and convnet's .weights.h5 export) write a "layers" group; Keras 2's, a layer_names attribute
            if (hdf.getChild("layers") instanceof Group || hdf.getAttribute("layer_names") != null) {
                throw new InteropException(name + ": an HDF5 file of weights only, not a whole Keras model (no model_config: "
                        + "what Keras' save_weights and 'convnet export -o X.weights.h5' write); give the file model.save wrote "
                        + "(.keras or .h5), or the convnet .zip the weights were exported from");
            }
            throw new InteropException(name + ": an HDF5 file but not a Keras model (no model_config); give a model saved "
                    + "with model.save (.keras or .h5)");
        }
        String version = HdfGuards.stringAttribute(hdf, "keras_version", MAX_NAME_BYTES, name);
        KerasArchitecture arch = KerasArchitecture.of(name, KerasConfig.parse(name, config));
        if (!(hdf.getChild("model_weights") instanceof Group weights)) {
            throw new InteropException(name + ": a Keras model config without weights (no model_weights group)");
        }
        List<KerasModel.BatchNormWeights> kept = new ArrayList<>();
        BatchNormPlacement[] placements = placements(arch);
        return model(arch, readWeights(name, arch, weightedLayers(arch), fineTuning, placements, kept, (layerName, savePath, n) -> {
            if (!(HdfGuards.childWithinFile(weights, layerName, () -> name + ": the weights of " + layerName) instanceof Group group)) {
                return null;
            }
            List<String> names = weightNames(group, name);
            if (n >= names.size()) {
                return null;
            }
            return HdfGuards.childWithinFile(group, names.get(n), () -> name + ": " + layerName + "'s " + names.get(n))
                    instanceof Dataset d ? d : null;
        }), new KerasSource(file, "h5", version == null ? "unknown" : version, sha256), kept, placements);
    }

    private static KerasModel model(KerasArchitecture arch, List<KerasModel.LayerWeights> weights, KerasSource source,
                                    List<KerasModel.BatchNormWeights> kept, BatchNormPlacement[] placements) {
        if (kept.isEmpty()) {
            return new KerasModel(arch.architecture(), weights, source, arch.notes());
        }
        java.util.Map<String, String> notes = new java.util.LinkedHashMap<>(arch.notes());
        List<String> keptNames = kept.stream().map(KerasModel.BatchNormWeights::kerasName).toList();
        String folded = notes.remove("imported.folded");
        if (folded != null) {
            // the kept layers are no longer folded: "batch_normalization into conv2d" goes
            String rest = String.join(", ", Arrays.stream(folded.split(", "))
                    .filter(entry -> keptNames.stream().noneMatch(k -> entry.startsWith(k + " into "))).toList());
            if (!rest.isEmpty()) {
                notes.put("imported.folded", rest);
            }
        }
        notes.put("imported.batch_norm", String.join(", ", kept.stream().map(b -> b.kerasName() + " (momentum "
                + KerasSpellings.number(b.momentum()) + ", epsilon " + KerasSpellings.number(b.epsilon()) + ")").toList())
                + " kept as layers for fine-tuning: each batch normalised by its own statistics, the moving ones updated as Keras does");
        return new KerasModel(arch.architecture().withBatchNorms(List.of(placements)), weights, source, notes, kept);
    }

    /** No BatchNormalization kept yet: one NONE per hidden weighted layer. */
    private static BatchNormPlacement[] placements(KerasArchitecture arch) {
        BatchNormPlacement[] placements = new BatchNormPlacement[arch.architecture().batchNorms().size()];
        Arrays.fill(placements, BatchNormPlacement.NONE);
        return placements;
    }

    /**
     * Whether convnet's graph can keep this BatchNormalization as a layer: DL4J's learns gamma and
     * beta both, and divides by a positive sqrt(variance + epsilon) in training too.
     */
    private static boolean keepable(KerasArchitecture.BatchNorm bn) {
        return bn.center() && bn.scale() && bn.epsilon() > 0;
    }

    /**
     * In the order Keras keeps them: kernel, bias; BatchNormalization's gamma, beta, moving_mean,
     * moving_variance. Names end in those words (":0" in Keras 2).
     */
    private static List<String> weightNames(Group group, String name) {
        Attribute attribute = group.getAttribute("weight_names");
        if (attribute != null && HdfGuards.declaredBytes(attribute) > MAX_NAME_BYTES) {
            throw new InteropException(name + ": the weight_names of " + group.getName() + " declare "
                    + HdfGuards.declaredBytes(attribute) + " bytes, more than the " + MAX_NAME_BYTES + " a layer's need; the file is "
                    + "damaged or hostile");
        }
        Object data = attribute == null ? null : attribute.getData();
        List<String> names = new ArrayList<>();
        if (data instanceof String[] strings) {
            names.addAll(Arrays.asList(strings));
        }
        names.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        return names;
    }

    private static final List<String> WEIGHT_ORDER = List.of("kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance");

    private static int rank(String weightName) {
        String n = weightName.endsWith(":0") ? weightName.substring(0, weightName.length() - 2) : weightName;
        for (int i = 0; i < WEIGHT_ORDER.size(); i++) {
            if (n.endsWith(WEIGHT_ORDER.get(i))) {
                return i;
            }
        }
        return WEIGHT_ORDER.size();
    }

    /** Where a layer's n-th variable lives in one file format (by its name in a .h5, its save path in a .keras); null if absent. */
    private interface WeightLocator {
        Dataset find(String layerName, String savePath, int n);
    }

    /** The Conv2D and Dense layers convnet builds for {@code arch}: what the weights must fit. */
    private static List<ChainLayer> weightedLayers(KerasArchitecture arch) {
        return NetworkChain.of(new KerasModel(arch.architecture(), List.of(), null, java.util.Map.of()).configuration())
                .weighted();
    }

    /**
     * Each weighted layer's kernel and bias, with its BatchNormalization and (for the first) the
     * input scaling folded in: what convnet's plain layers compute. When {@code fineTuning}, a
     * BatchNormalization convnet's graph has a place for goes to {@code kept} instead, in the
     * graph's order, and {@code placements} (one per hidden weighted layer) says where it sits.
     */
    private static List<KerasModel.LayerWeights> readWeights(String name, KerasArchitecture arch, List<ChainLayer> layers,
                                                             boolean fineTuning, BatchNormPlacement[] placements,
                                                             List<KerasModel.BatchNormWeights> kept, WeightLocator locator) {
        List<KerasModel.LayerWeights> weights = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            KerasArchitecture.Weighted w = arch.weighted().get(i);
            int[] kernelShape = layers.get(i) instanceof ChainLayer.Conv c
                    ? new int[] {c.kernel(), c.kernel(), c.inChannels(), c.filters()}
                    : new int[] {((ChainLayer.Dense) layers.get(i)).inputs(), ((ChainLayer.Dense) layers.get(i)).units()};
            int[] biasShape = {kernelShape[kernelShape.length - 1]};
            float[] kernel = values(name, w.name(), "kernel", locator.find(w.name(), w.savePath(), 0), kernelShape);
            float[] bias = w.bias() ? values(name, w.name(), "bias", locator.find(w.name(), w.savePath(), 1), biasShape)
                    : new float[biasShape[0]];
            KerasModel.LayerWeights layer = new KerasModel.LayerWeights(w.name(), kernel, bias);
            KerasArchitecture.InputNorm in = w.inputNorm();
            int channels = in == null ? 0 : layers.get(i) instanceof ChainLayer.Conv c ? c.inChannels()
                    : !in.beforeFlatten() ? ((ChainLayer.Dense) layers.get(i)).inputs()
                    : i > 0 && layers.get(i - 1) instanceof ChainLayer.Conv c ? c.filters() : 1;
            if (in != null && fineTuning && keepable(in.batchNorm()) && in.placement() != BatchNormPlacement.NONE
                    && placements[in.owner()] == BatchNormPlacement.NONE) {
                // after the ReLU, or the pooling, of the convolution before: kept where Keras put it
                kept.add(keptBatchNorm(name, in.batchNorm(), channels, locator));
                placements[in.owner()] = in.placement();
            } else if (in != null) {
                KerasArchitecture.BatchNorm bn = in.batchNorm();
                Folding.Affine affine = batchNormAffine(name, bn, channels, locator);
                String where = name + ": folding " + bn.name() + " into the input of " + w.name();
                for (int ch = 0; ch < channels; ch++) {
                    if (in.throughPool() && affine.scale()[ch] < 0) {
                        throw new UnfoldableBatchNormException(where + ": channel " + ch + " has a negative scale (gamma "
                                + "/ sqrt(variance + epsilon) = " + affine.scale()[ch] + "), and max pooling between them "
                                + "does not commute with it");
                    }
                    if (layers.get(i) instanceof ChainLayer.Conv c && c.same() && affine.shift()[ch] != 0) {
                        throw new UnfoldableBatchNormException(where + ": " + w.name() + " pads 'same' and the normalisation shifts "
                                + "channel " + ch + " by " + affine.shift()[ch] + ", which would change its zero border; give that "
                                + "convolution padding 'valid', or leave the BatchNormalization out");
                    }
                }
                layer = Folding.inputAffine(where, layer, affine);
            }
            KerasArchitecture.BatchNorm bn = w.batchNorm();
            boolean hidden = i < layers.size() - 1;
            if (bn != null && fineTuning && keepable(bn) && hidden && placements[i] == BatchNormPlacement.NONE) {
                // Conv2D (linear), BatchNormalization, ReLU: the --batch-norm layers
                kept.add(keptBatchNorm(name, bn, biasShape[0], locator));
                placements[i] = BatchNormPlacement.BEFORE_ACTIVATION;
            } else if (bn != null) {
                Folding.Affine affine = batchNormAffine(name, bn, biasShape[0], locator);
                layer = Folding.batchNorm(name + ": folding " + bn.name() + " into " + w.name(), layer, affine);
            }
            if (i == 0 && !arch.inputScaling().isIdentity()) {
                layer = Folding.inputScaling(name + ": folding the Rescaling (scale x " + arch.inputScaling().scale() / 255
                        + ", offset " + arch.inputScaling().offset() + ") into " + w.name(), layer,
                        arch.inputScaling().scale(), arch.inputScaling().offset());
            }
            weights.add(layer);
        }
        return weights;
    }

    /** A BatchNormalization kept as a layer: its variables over {@code channels}, its momentum and epsilon. */
    private static KerasModel.BatchNormWeights keptBatchNorm(String name, KerasArchitecture.BatchNorm bn, int channels,
                                                            WeightLocator locator) {
        float[][] v = batchNormVariables(name, bn, channels, locator);
        return new KerasModel.BatchNormWeights(bn.name(), v[0], v[1], v[2], v[3], bn.momentum(), bn.epsilon());
    }

    /** A BatchNormalization layer's variables over {@code channels}, as the affine map it is at inference. */
    private static Folding.Affine batchNormAffine(String name, KerasArchitecture.BatchNorm bn, int channels,
                                                 WeightLocator locator) {
        float[][] v = batchNormVariables(name, bn, channels, locator);
        return Folding.Affine.batchNorm(v[0], v[1], v[2], v[3], bn.epsilon());
    }

    /** gamma, beta, moving mean and moving variance over {@code channels} (1 and 0 for an absent gamma or beta). */
    private static float[][] batchNormVariables(String name, KerasArchitecture.BatchNorm bn, int channels, WeightLocator locator) {
        int[] shape = {channels};
        int n = 0;
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        float[] gamma = bn.scale() ? values(name, bn.name(), "gamma", locator.find(bn.name(), bn.savePath(), n++), shape) : ones;
        float[] beta = bn.center() ? values(name, bn.name(), "beta", locator.find(bn.name(), bn.savePath(), n++), shape)
                : new float[channels];
        float[] mean = values(name, bn.name(), "moving_mean", locator.find(bn.name(), bn.savePath(), n++), shape);
        float[] variance = values(name, bn.name(), "moving_variance", locator.find(bn.name(), bn.savePath(), n), shape);
        for (int c = 0; c < variance.length; c++) { // folded or kept as a layer alike
            if (variance[c] < 0) {
                throw new InteropException(name + ": the moving_variance of " + bn.name() + " is negative (" + variance[c]
                        + " at channel " + c + "); a variance is at least 0: the file is damaged or altered");
            }
        }
        return new float[][] {gamma, beta, mean, variance};
    }

    /** A dataset's values, after checking its shape and type: nothing is read for a shape we did not expect. */
    private static float[] values(String name, String layer, String what, Dataset dataset, int[] expected) {
        if (dataset == null) {
            throw new InteropException(name + ": no " + what + " weights for layer " + layer);
        }
        int[] dims = dataset.getDimensions();
        if (!Arrays.equals(dims, expected)) {
            throw new InteropException(name + ": the " + what + " of " + layer + " has shape " + shape(dims)
                    + " but its config needs " + shape(expected));
        }
        if (dataset instanceof ChunkedDataset chunked && chunkBytes(chunked) > Math.max(dataset.getSizeInBytes(), MIN_CHUNK_BYTES)) {
            // jhdf inflates a whole chunk before copying out what the dataset holds: a chunk far larger
            // than the data (a 512 MiB chunk for a 1 kB kernel) is a bomb, refused before it is read
            throw new InteropException(name + ": the " + what + " of " + layer + " is stored in chunks of "
                    + chunkBytes(chunked) + " bytes for " + dataset.getSizeInBytes() + " bytes of data; the file is "
                    + "damaged or hostile");
        }
        HdfGuards.checkStored(dataset, () -> name + ": the " + what + " of " + layer);
        if (dataset instanceof ChunkedDataset chunked && !dataset.getFilters().isEmpty()) {
            ChunkInflation.check(chunked, chunkBytes(chunked), () -> name + ": the " + what + " of " + layer);
        }
        Class<?> type = dataset.getJavaType();
        if (type != float.class && type != double.class) {
            throw new InteropException(name + ": the " + what + " of " + layer + " holds "
                    + HdfGuards.describe(dataset.getDataType()) + " values; convnet reads float32 (or float64) weights");
        }
        Object data = dataset.getDataFlat();
        float[] values = null;
        if (data instanceof float[] f && f.length == product(expected)) {
            values = f;
        }
        if (data instanceof double[] d && d.length == product(expected)) {
            values = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                values[i] = (float) d[i];
            }
        }
        if (values == null) {
            throw new InteropException(name + ": the " + what + " of " + layer + " could not be read as " + shape(expected));
        }
        checkFinite(name, layer, what, values);
        return values;
    }

    /** As model files are checked: a NaN or infinite weight would be served as NaN answers. */
    private static void checkFinite(String name, String layer, String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new InteropException(name + ": the " + what + " of layer " + layer + " holds "
                        + (Float.isNaN(values[i]) ? "NaN" : "an infinite value") + " (at index " + i
                        + "); the model was saved from a diverged run, or altered: retrain it");
            }
        }
    }

    static long chunkBytes(ChunkedDataset dataset) {
        long elements = 1;
        for (int d : dataset.getChunkDimensions()) {
            elements *= Math.max(d, 0);
        }
        return elements * Math.max(1, dataset.getDataType().getSize());
    }

    private static int product(int[] dims) {
        int p = 1;
        for (int d : dims) {
            p *= d;
        }
        return p;
    }

    private static String shape(int[] dims) {
        return "(" + String.join(", ", Arrays.stream(dims).mapToObj(String::valueOf).toList()) + ")";
    }

    private static InteropException damagedHdf5(String name, Throwable e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return new InteropException(name + ": damaged or truncated HDF5 file (" + detail + ")", e);
    }

    /**
     * Whether {@code file} starts as a model file does: a zip (a .keras archive or a convnet model)
     * or an HDF5 file (a legacy .h5); false when it cannot be read.
     */
    public static boolean startsAsModelFile(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(HDF5_MAGIC.length);
            return startsWith(head, ZIP_MAGIC) || startsWith(head, HDF5_MAGIC);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(Arrays.copyOf(head, magic.length), magic);
    }

    static String sha256(Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new InteropException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
