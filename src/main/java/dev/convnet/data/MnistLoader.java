package dev.convnet.data;

import java.util.Locale;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads an MNIST-format dataset folder (MNIST or Fashion-MNIST) into tensors.
 *
 * <p>The folder holds the four original IDX files, either plain ({@code train-images-idx3-ubyte})
 * or gzipped ({@code train-images-idx3-ubyte.gz}). Pixels become float32 divided by 255, as in the
 * book; labels become class indices 0–9.
 */
public final class MnistLoader {
    public static final int IMAGE_SIZE = 28;
    public static final int CLASSES = 10;

    private final Path directory;
    private final IdxReader reader = new IdxReader();

    public MnistLoader(Path directory) {
        this.directory = directory;
    }

    /** Throws a {@link DataFormatException} unless all four files of the dataset are present. */
    public void checkPresent() {
        checkPresent(Split.values());
    }

    /**
     * Throws a {@link DataFormatException} unless the images and labels of {@code splits} are
     * present: evaluating needs the test files alone.
     */
    public void checkPresent(Split... splits) {
        if (!Files.exists(directory)) {
            throw new DatasetNotFoundException("dataset folder " + directory + " does not exist");
        }
        if (!Files.isDirectory(directory)) {
            throw new DataFormatException("dataset folder " + directory + " is a file, not a folder");
        }
        if (!Files.isReadable(directory) || !Files.isExecutable(directory)) {
            throw new DataFormatException("dataset folder " + directory + " is not readable (permission denied)");
        }
        for (Split split : splits) {
            locate(split.imagesFile());
            locate(split.labelsFile());
        }
    }

    /** Loads a split; {@code limit > 0} keeps only its first {@code limit} images. */
    public LabeledImages load(Split split, int limit) {
        IdxFile images = reader.read(locate(split.imagesFile()), 3);
        IdxFile labels = reader.read(locate(split.labelsFile()), 1);
        validate(images, labels);
        int n = limit > 0 ? Math.min(limit, images.count()) : images.count();
        return new LabeledImages(
                Nd4j.create(scaledPixels(images, n), new long[] {n, 1, IMAGE_SIZE, IMAGE_SIZE}, DataType.FLOAT),
                Nd4j.create(labelsAsFloats(labels, n), new long[] {n, 1}, DataType.FLOAT),
                classes(labels, n));
    }

    /** SHA-256 of each of the four files, by file name: the run record keeps them. */
    public java.util.Map<String, String> checksums() {
        java.util.Map<String, String> sums = new java.util.LinkedHashMap<>();
        for (Split split : Split.values()) {
            for (String name : new String[] {split.imagesFile(), split.labelsFile()}) {
                Path file = locate(name);
                sums.put(file.getFileName().toString(), sha256(file));
            }
        }
        return sums;
    }

    /**
     * Why this folder's files are not the ones a run was trained on ({@code recorded}: file name to
     * SHA-256, as in a run record), or empty when they are. Resuming on other data would otherwise
     * leave a run record naming one dataset and checksums of another.
     */
    public java.util.Optional<String> differenceFrom(java.util.Map<String, String> recorded) {
        if (recorded.isEmpty()) {
            return java.util.Optional.empty(); // a record from before checksums were kept: nothing to compare
        }
        java.util.Map<String, String> present = checksums();
        for (java.util.Map.Entry<String, String> e : recorded.entrySet()) {
            String sum = present.get(e.getKey());
            if (sum == null) {
                String other = present.keySet().stream().filter(n -> canonical(n).equals(canonical(e.getKey())))
                        .findFirst().orElse("no such file");
                if (e.getValue().equals(present.get(other))) {
                    continue; // the same bytes under the other spelling (a dot for the dash)
                }
                return java.util.Optional.of(directory + " holds " + other + ", not the " + e.getKey() + " the run was trained on");
            }
            if (!sum.equals(e.getValue())) {
                return java.util.Optional.of(directory.resolve(e.getKey()) + " is not the file the run was trained on (SHA-256 "
                        + sum.substring(0, 12) + "..., the run record has " + e.getValue().substring(0, Math.min(12, e.getValue().length())) + "...)");
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * SHA-256 of the test labels file's content, uncompressed when it is gzipped: what tells
     * whose test files these are ({@link Dataset#ofTestLabels}); empty when the file is over 1 MiB
     * uncompressed (the published ones are 10,008 bytes) or cannot be read.
     */
    public String testLabelsSha256() {
        try {
            Path file = locate(Split.TEST.labelsFile());
            try (java.io.InputStream in = IdxReader.openContent(file)) {
                byte[] content = in.readNBytes(1 << 20);
                if (in.read() >= 0) {
                    return "";
                }
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
            }
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException | DatasetNotFoundException e) {
            return "";
        }
    }

    private static String sha256(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new DataFormatException(file + ": cannot read (" + (e instanceof java.io.IOException io
                    ? FileErrors.describe(io) : e.getMessage()) + ")", e);
        }
    }

    /**
     * The file of {@code baseName} (e.g. {@code train-images-idx3-ubyte}) under any of the names
     * people have it: as published, gzipped ({@code .gz}), or with a dot before {@code idx} as
     * 7-Zip and some mirrors extract it ({@code train-images.idx3-ubyte}). Gzip or plain is then
     * told by content ({@link IdxReader}).
     */
    private Path locate(String baseName) {
        String dotted = dotted(baseName);
        for (String name : new String[] {baseName, baseName + ".gz", dotted, dotted + ".gz"}) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        for (String name : new String[] {baseName, baseName + ".gz", dotted, dotted + ".gz"}) {
            String problem = FileErrors.notARegularFile(directory.resolve(name));
            if (!"no such file".equals(problem)) { // there, but not a file: saying "missing" sent people looking for it
                throw new DatasetNotFoundException(directory.resolve(name) + " is " + problem + ", not the IDX file; put the "
                        + "file itself there");
            }
        }
        throw new DatasetNotFoundException(directory.resolve(baseName) + " is missing (looked for " + baseName + " and "
                + dotted + ", each also with .gz)");
    }

    /** {@code train-images-idx3-ubyte} as 7-Zip extracts it: {@code train-images.idx3-ubyte}. */
    private static String dotted(String baseName) {
        return baseName.replace("-idx", ".idx");
    }

    /** A file's name as the dataset publishes it: no .gz, a dash before idx. */
    private static String canonical(String fileName) {
        String plain = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
        return plain.replace(".idx", "-idx");
    }

    private static void validate(IdxFile images, IdxFile labels) {
        int[] d = images.dimensions();
        if (d[1] != IMAGE_SIZE || d[2] != IMAGE_SIZE) {
            throw new DataFormatException(String.format(Locale.ROOT, "%s: images are %dx%d, expected %dx%d",
                    images.name(), d[1], d[2], IMAGE_SIZE, IMAGE_SIZE));
        }
        if (images.count() != labels.count()) {
            throw new DataFormatException(String.format(Locale.ROOT, "%s holds %,d labels but %s holds %,d images",
                    labels.name(), labels.count(), images.name(), images.count()));
        }
        byte[] data = labels.data();
        for (int i = 0; i < data.length; i++) {
            int label = data[i] & 0xFF;
            if (label >= CLASSES) {
                throw new DataFormatException(String.format(Locale.ROOT, "%s: label %d at index %,d is outside 0-%d",
                        labels.name(), label, i, CLASSES - 1));
            }
        }
    }

    private static float[] scaledPixels(IdxFile images, int n) {
        byte[] data = images.data();
        float[] pixels = new float[n * IMAGE_SIZE * IMAGE_SIZE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (data[i] & 0xFF) / 255f;
        }
        return pixels;
    }

    private static float[] labelsAsFloats(IdxFile labels, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = labels.data()[i] & 0xFF;
        }
        return out;
    }

    private static int[] classes(IdxFile labels, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = labels.data()[i] & 0xFF;
        }
        return out;
    }
}
