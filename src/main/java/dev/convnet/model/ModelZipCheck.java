package dev.convnet.model;

import dev.convnet.data.FileErrors;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;

/**
 * Checks a model zip before DL4J reads it, because DL4J trusts it completely: it inflates every
 * entry into memory, deserialises some with Java serialisation, and hands the element counts in
 * {@code coefficients.bin} and {@code updaterState.bin} straight to native allocation (a count of
 * 2^40 crashes the JVM). Here every entry's inflated size is bounded while it is read (declared
 * sizes in a zip can lie), only the entries convnet writes are accepted, and the parameter count in
 * {@code coefficients.bin} must equal the configuration's and the bytes really present.
 *
 * <p>ND4J's array format ({@code Nd4j.write}): two buffers, shape information then data, each a
 * header {@code writeUTF(allocation mode), writeLong(length), writeUTF(data type)} followed by
 * {@code length} elements of that type, big-endian.
 */
final class ModelZipCheck {
    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    static final String UPDATER_STATE = "updaterState.bin";
    /** Far above any network of this project (the widest variants have a few million). */
    static final long MAX_PARAMETERS = 20_000_000;
    /** Configuration and run record are text of a few kB (a record of 10,000 epochs is under 1 MiB). */
    static final long MAX_TEXT_BYTES = 4L << 20;
    /** RMSprop keeps one value per parameter, Adam two; no DL4J updater keeps more than three. */
    private static final int MAX_UPDATER_VALUES_PER_PARAMETER = 3;
    private static final Set<String> ALLOCATION_MODES = Set.of("MIXED_DATA_TYPES", "LONG_SHAPE");
    private static final Map<String, Integer> SHAPE_TYPES = Map.of("LONG", 8, "INT", 4);
    /**
     * What ND4J writes for a float32 or float64 network. Not HALF or BFLOAT16: convnet never saves
     * them, and ND4J's NaN test over them is broken (one "Undefined match condition" line per value
     * on stdout, and a verdict that changes from run to run).
     */
    private static final Map<String, Integer> VALUE_TYPES = Map.of("FLOAT", 4, "DOUBLE", 8);
    private static final int MAX_RANK = 4;

    private final Path file;
    private final String runRecordEntry;

    ModelZipCheck(Path file, String runRecordEntry) {
        this.file = file;
        this.runRecordEntry = runRecordEntry;
    }

    /** Throws a {@link ModelFileException} naming the file and the problem, or returns quietly. */
    void check() {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            checkEntryNames(zip);
            String json = readText(zip, CONFIGURATION);
            long parameters = parameterCount(json);
            checkArray(zip, COEFFICIENTS, parameters, parameters);
            if (zip.getEntry(UPDATER_STATE) != null) {
                checkArray(zip, UPDATER_STATE, -1, MAX_UPDATER_VALUES_PER_PARAMETER * parameters);
            }
            if (zip.getEntry(runRecordEntry) != null) {
                readText(zip, runRecordEntry);
            }
            if (zip.getEntry(ModelStore.TRAINING_WEIGHTS) != null) {
                checkArray(zip, ModelStore.TRAINING_WEIGHTS, parameters, parameters);
            }
        } catch (ZipException | EOFException e) {
            throw new ModelFileException(file + " is a damaged or truncated model file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFileException(file + ": cannot read (" + FileErrors.describe(e) + ")", e);
        }
    }

    /** The run record entry's text, read with the same bound; null if there is none. */
    String runRecord() {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            checkEntryNames(zip);
            return zip.getEntry(runRecordEntry) == null ? null : readText(zip, runRecordEntry);
        } catch (ZipException | EOFException e) {
            throw new ModelFileException(file + " is a damaged or truncated model file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFileException(file + ": cannot read (" + FileErrors.describe(e) + ")", e);
        }
    }

    private void checkEntryNames(ZipFile zip) {
        Set<String> allowed = Set.of(CONFIGURATION, COEFFICIENTS, UPDATER_STATE, runRecordEntry, ModelStore.TRAINING_WEIGHTS);
        Set<String> seen = new HashSet<>();
        String unexpected = null;
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (!seen.add(name)) {
                throw new ModelFileException(file + " holds " + printable(name) + " twice: not a file convnet wrote");
            }
            if (!allowed.contains(name) && unexpected == null) {
                unexpected = name;
            }
        }
        if (!seen.contains(CONFIGURATION) || !seen.contains(COEFFICIENTS)) {
            throw new ModelFileException(file + " is a zip archive but not a convnet model (no DL4J network inside)");
        }
        if (unexpected != null) {
            throw new ModelFileException(file + " holds an entry a convnet model does not have ("
                    + printable(unexpected) + "); only " + CONFIGURATION + ", " + COEFFICIENTS + ", " + UPDATER_STATE
                    + ", " + runRecordEntry + " and " + ModelStore.TRAINING_WEIGHTS + " are read");
        }
    }

    private String readText(ZipFile zip, String name) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            byte[] bytes = in.readNBytes((int) MAX_TEXT_BYTES + 1);
            if (bytes.length > MAX_TEXT_BYTES) {
                throw new ModelFileException(file + ": entry " + name + " inflates to more than "
                        + (MAX_TEXT_BYTES >> 20) + " MiB, the limit for it; this is not a file convnet wrote");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private long parameterCount(String json) {
        ComputationGraphConfiguration configuration;
        try {
            configuration = ComputationGraphConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new ModelFileException(file + ": " + CONFIGURATION + " is not a DL4J ComputationGraph configuration ("
                    + jsonProblem(e) + ")", e);
        }
        long total = 0;
        try {
            for (GraphVertex vertex : configuration.getVertices().values()) {
                long n = vertex.numParams(true);
                if (n < 0 || n > MAX_PARAMETERS) {
                    throw tooMany(n);
                }
                total += n;
            }
        } catch (RuntimeException e) {
            if (e instanceof ModelFileException mfe) {
                throw mfe;
            }
            throw new ModelFileException(file + ": " + CONFIGURATION + " describes layers whose sizes cannot be worked out ("
                    + firstLine(e.getMessage()) + ")", e);
        }
        if (total > MAX_PARAMETERS) {
            throw tooMany(total);
        }
        return total;
    }

    private ModelFileException tooMany(long n) {
        return new ModelFileException(String.format(java.util.Locale.ROOT,
                "%s: the configuration declares %,d parameters, more than the limit of %,d", file, n, MAX_PARAMETERS));
    }

    /**
     * Reads the two buffer headers of an ND4J array and counts the bytes that follow, stopping one
     * byte past what the headers declare: a lying count is caught without inflating a bomb.
     * {@code expected} is the exact element count (or -1 for any up to {@code max}).
     */
    private void checkArray(ZipFile zip, String name, long expected, long max) throws IOException {
        try (DataInputStream in = new DataInputStream(zip.getInputStream(zip.getEntry(name)))) {
            Header shape = header(in, name, "shape", SHAPE_TYPES);
            if (shape.length() < 4 || shape.length() > 2L * MAX_RANK + 4) {
                throw bad(name, "its shape information declares " + shape.length() + " values");
            }
            long rank = 0;
            long product = 1;
            for (long i = 0; i < shape.length(); i++) {
                long v = shape.elementSize() == 8 ? in.readLong() : in.readInt();
                if (i == 0) {
                    rank = v;
                    if (rank < 1 || rank > MAX_RANK || shape.length() != 2 * rank + 4) {
                        throw bad(name, "its shape information declares rank " + rank);
                    }
                } else if (i <= rank) {
                    if (v < 1 || v > max) {
                        throw bad(name, "it declares a dimension of " + v);
                    }
                    product *= v;
                    if (product > max) {
                        throw bad(name, "its shape holds more values than the limit of " + max);
                    }
                }
            }
            Header data = header(in, name, "data", VALUE_TYPES);
            if (expected >= 0 && data.length() != expected) {
                throw new ModelFileException(String.format(java.util.Locale.ROOT,
                        "%s: %s holds %,d parameters but the configuration needs %,d; the file is damaged or was altered",
                        file, name, data.length(), expected));
            }
            if (data.length() != product) {
                throw bad(name, "its shape holds " + product + " values but its data declares " + data.length());
            }
            if (data.length() > max) {
                throw bad(name, "it declares " + data.length() + " values, more than the limit of " + max);
            }
            long declaredBytes = data.length() * data.elementSize();
            long present = countUpTo(in, declaredBytes + 1);
            if (present != declaredBytes) {
                throw new ModelFileException(String.format(java.util.Locale.ROOT,
                        "%s: %s declares %,d bytes of values but holds %s; the file is damaged or was altered",
                        file, name, declaredBytes, present > declaredBytes ? "more" : String.format(java.util.Locale.ROOT, "%,d", present)));
            }
        } catch (EOFException | UTFDataFormatException e) {
            throw bad(name, "it ends inside its header");
        }
    }

    private record Header(long length, int elementSize) {
    }

    private Header header(DataInputStream in, String name, String which, Map<String, Integer> types) throws IOException {
        String mode = in.readUTF();
        long length = in.readLong();
        String type = in.readUTF();
        if (types == VALUE_TYPES && ("HALF".equals(type) || "BFLOAT16".equals(type))) {
            throw bad(name, "its values are " + type + "; convnet saves float32 (FLOAT) weights and reads FLOAT or DOUBLE");
        }
        if (!ALLOCATION_MODES.contains(mode) || !types.containsKey(type) || length < 0) {
            throw bad(name, "its " + which + " header (" + printable(mode) + ", " + length + ", " + printable(type)
                    + ") is not one ND4J writes for model parameters");
        }
        return new Header(length, types.get(type));
    }

    private static long countUpTo(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        while (total < limit) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private ModelFileException bad(String entry, String problem) {
        return new ModelFileException(file + ": " + entry + " is not valid (" + problem + "); the file is damaged or was altered");
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /**
     * What is wrong with the JSON, in Jackson's words without the Java class names DL4J wraps them
     * in ("org.nd4j.shade.jackson...MismatchedInputException: Cannot deserialize value of type
     * `org.deeplearning4j...ComputationGraphConfiguration` from Array value"): the innermost message's
     * first line, and where in the text.
     */
    static String jsonProblem(Throwable e) {
        Throwable inner = e;
        for (int depth = 0; inner.getCause() != null && inner.getCause() != inner && depth < 16; depth++) {
            inner = inner.getCause();
        }
        String text = firstLine(inner.getMessage() != null ? inner.getMessage() : e.getMessage());
        String where = "";
        if (inner instanceof org.nd4j.shade.jackson.core.JsonProcessingException json && json.getLocation() != null) {
            where = " at line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr();
            text = json.getOriginalMessage() == null ? text : firstLine(json.getOriginalMessage());
        }
        text = text.replaceAll("\\b(?:[a-z][\\w$]*\\.)+([A-Z][\\w$]*)", "$1") // packages off class names
                .replaceAll("^\\w*(?:Exception|Error): ", "");
        return text + where;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
