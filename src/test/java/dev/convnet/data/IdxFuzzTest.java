package dev.convnet.data;

import dev.convnet.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Throws random and mutated IDX files at the reader: whatever the bytes, the only failure a user
 * may see is our own one-line {@link DataFormatException}, never an index, allocation or zip error.
 */
class IdxFuzzTest {
    private static final byte[] REAL_LABELS = prefix("t10k-labels-idx1-ubyte", 8 + 300, 300);
    private static final byte[] REAL_IMAGES = prefix("t10k-images-idx3-ubyte", 16 + 3 * 784, 3);

    @Property(tries = 1500)
    void randomBytesOnlyEverFailAsFormatErrors(@ForAll @Size(max = 600) byte[] bytes, @ForAll boolean gzip,
                                               @ForAll @IntRange(min = 1, max = 3) int dimensions) throws IOException {
        readExpectingOnlyFormatErrors(gzip ? gzip(bytes) : bytes, gzip, dimensions);
    }

    @Property(tries = 3000)
    void mutatedRealFilesOnlyEverFailAsFormatErrors(@ForAll("mutatedIdx") byte[] bytes, @ForAll boolean gzip) throws IOException {
        readExpectingOnlyFormatErrors(gzip ? gzip(bytes) : bytes, gzip, bytes.length > 2000 ? 3 : 1);
    }

    @Property(tries = 500)
    void corruptedGzipOnlyEverFailsAsFormatError(@ForAll("mutatedIdx") byte[] bytes, @ForAll long seed) throws IOException {
        byte[] gz = gzip(bytes);
        Random random = new Random(seed);
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            gz[random.nextInt(gz.length)] ^= (byte) (1 + random.nextInt(255));
        }
        readExpectingOnlyFormatErrors(random.nextBoolean() ? gz : Arrays.copyOf(gz, random.nextInt(gz.length)), true, 1);
    }

    /**
     * Gzip bombs: a header declaring up to 2^31 bytes of images or labels, then megabytes of zeros
     * that inflate far beyond what the file's size suggests. Each is refused from its header (or
     * for trailing bytes) with our one-line error, within a bounded read.
     */
    @Property(tries = 40)
    void gzipBombsAreRefusedFromTheirHeader(@ForAll @IntRange(min = 1, max = 3) int dimensions,
                                            @ForAll @IntRange(min = 1, max = 4 << 20) int zeros, @ForAll long seed) throws IOException {
        Random random = new Random(seed);
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dimensions);
        header.put(new byte[] {0, 0, 8, (byte) dimensions});
        long declared = 1;
        for (int i = 0; i < dimensions; i++) {
            int size = i == 0 ? 1 + random.nextInt(Integer.MAX_VALUE - 1) : 1 + random.nextInt(dimensions == 1 ? 1 : 784);
            header.putInt(size);
            declared *= size;
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(header.array());
            byte[] block = new byte[1 << 16];
            for (int left = zeros; left > 0; left -= block.length) {
                out.write(block, 0, Math.min(left, block.length));
            }
        }
        Path file = Files.createTempFile("bomb", ".gz");
        try {
            Files.write(file, gz.toByteArray());
            try {
                new IdxReader().read(file, dimensions);
                if (declared != zeros) {
                    throw new AssertionError("accepted a bomb declaring " + declared + " bytes with " + zeros + " present");
                }
            } catch (DataFormatException expected) {
                if (!expected.getMessage().startsWith(file.toString()) || expected.getMessage().contains("\n")) {
                    throw new AssertionError("not one line naming the file: " + expected.getMessage());
                }
                if (declared > IdxReader.MAX_DATA_BYTES && !expected.getMessage().contains("the limit")) {
                    throw new AssertionError("a bomb was read instead of refused from its header: " + expected.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedIdx() {
        return Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            byte[] base = (random.nextBoolean() ? REAL_LABELS : REAL_IMAGES).clone();
            switch (random.nextInt(5)) {
                case 0 -> base[random.nextInt(base.length)] = (byte) random.nextInt(256);
                case 1 -> base = Arrays.copyOf(base, random.nextInt(base.length + 1));
                case 2 -> base = Arrays.copyOf(base, base.length + 1 + random.nextInt(50));
                case 3 -> ByteBuffer.wrap(base).putInt(4 * (1 + random.nextInt(Math.min(3, base.length / 4 - 1))), random.nextInt());
                default -> base[random.nextInt(Math.min(16, base.length))] = (byte) random.nextInt(256);
            }
            return base;
        });
    }

    private static void readExpectingOnlyFormatErrors(byte[] content, boolean gzip, int dimensions) throws IOException {
        Path file = Files.createTempFile("fuzz", gzip ? ".gz" : ".idx");
        try {
            Files.write(file, content);
            try {
                IdxFile idx = new IdxReader().read(file, dimensions);
                long expected = 1;
                for (int d : idx.dimensions()) {
                    expected *= d;
                }
                if (expected != idx.data().length) {
                    throw new AssertionError("accepted a file whose data length disagrees with its header");
                }
            } catch (DataFormatException expected) {
                if (!expected.getMessage().startsWith(file.toString())) {
                    throw new AssertionError("message does not name the file: " + expected.getMessage());
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] prefix(String name, int length, int count) {
        try {
            return TestData.withCount(Arrays.copyOf(Files.readAllBytes(TestData.mnist().resolve(name)), length), count);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
