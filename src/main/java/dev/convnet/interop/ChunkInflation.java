package dev.convnet.interop;

import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.filter.PipelineFilterWithData;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Checks, before jhdf decodes a chunked HDF5 dataset, that no chunk expands past the size its
 * dataset declares for a chunk (bytes), and that each chunk's Fletcher-32 checksum, where it has
 * one, matches (jhdf does not verify it). Reads every chunk's raw bytes once more for it. jhdf inflates a chunk whole into memory, whatever it turns out to
 * be: a 1.9 MB gzip chunk of a 46 kB kernel inflated to 1 GiB (6.3 GB RSS) and its excess was
 * dropped silently. Filter ids are HDF5's (https://portal.hdfgroup.org/documentation, "Filters"):
 * 1 deflate (gzip), 2 shuffle, 3 fletcher32 (no size change), 32000 LZF (h5py's own).
 */
final class ChunkInflation {
    private static final int DEFLATE = 1;
    private static final int SHUFFLE = 2;
    private static final int FLETCHER32 = 3;
    private static final int LZF = 32000;

    private ChunkInflation() {
    }

    /**
     * @param chunkBytes the bytes one chunk holds once decoded (its dimensions × the type's size)
     * @param what names the dataset at the start of a message, e.g. "book.h5: the kernel of conv2d"
     * Checks {@code dataset}'s chunks; memory used is one 64 kB buffer.
     *
     * @throws InteropException for a filter other than gzip, shuffle, fletcher32 or LZF, two compressions,
     *     an LZF chunk size beyond {@code chunkBytes}, a chunk that is not a gzip stream or would inflate
     *     past {@code chunkBytes}, or chunks stored beyond the dataset's shape
     */
    static void check(ChunkedDataset dataset, long chunkBytes, Supplier<String> what) {
        List<PipelineFilterWithData> filters = dataset.getFilters();
        int compressions = 0;
        boolean deflate = false;
        boolean fletcher = false;
        for (int i = 0; i < filters.size(); i++) {
            PipelineFilterWithData filter = filters.get(i);
            if (filter.getId() == FLETCHER32 && i > 0 && filters.get(i - 1).getId() == SHUFFLE) {
                // jhdf 0.9.4 leaves the 4 checksum bytes on the chunk, and its unshuffle then scrambles every value
                // (a gzip stream in between ends before them): finite, wrong weights
                throw new InteropException(what.get() + " is stored with the shuffle filter then a Fletcher-32 checksum and no "
                        + "compression, which convnet's HDF5 reader (jhdf) decodes wrongly; save it without the checksum, or "
                        + "compressed (h5py: compression=\"gzip\")");
            }
            fletcher |= filter.getId() == FLETCHER32;
            switch (filter.getId()) {
                case DEFLATE -> deflate = true;
                case LZF -> checkLzfSize(filter, chunkBytes, what);
                case SHUFFLE, FLETCHER32 -> { }
                default -> throw new InteropException(what.get() + " is compressed with HDF5 filter " + filter.getId() + " ("
                        + filter.getName() + "); convnet reads weights stored plain or with gzip, shuffle, fletcher32 or LZF, "
                        + "as Keras and h5py write them");
            }
            compressions += filter.getId() == DEFLATE || filter.getId() == LZF ? 1 : 0;
        }
        if (compressions > 1) { // each layer multiplies what the one outside it may expand to
            throw new InteropException(what.get() + " is compressed " + compressions + " times over; Keras and h5py compress once: "
                    + "the file is damaged or hostile");
        }
        if (compressions == 0 && !fletcher) {
            return;
        }
        int[] dims = dataset.getDimensions();
        int[] chunk = dataset.getChunkDimensions();
        int[] offset = new int[dims.length];
        byte[] scratch = new byte[64 << 10];
        long checkedBytes = 0;
        do {
            ByteBuffer raw;
            try {
                raw = dataset.getRawChunkBuffer(offset.clone());
            } catch (io.jhdf.exceptions.HdfException unallocated) {
                continue; // a chunk never written reads as the fill value: nothing to inflate
            }
            checkedBytes += raw.remaining();
            if (fletcher) { // the last filter written: its checksum ends the stored chunk
                raw = verifiedFletcher32(raw, what);
            }
            // gzip: count what it inflates to. LZF: jhdf allocates the size its filter data declares, checked above.
            if (deflate && inflatedSize(raw, chunkBytes, scratch, what) > chunkBytes) {
                throw new InteropException(what.get() + " has a compressed chunk that expands past the " + chunkBytes
                        + " bytes its dataset declares for a chunk; the file is damaged or hostile");
            }
        } while (next(offset, dims, chunk));
        // jhdf decodes every chunk its index holds, also ones off the grid checked here
        if (dataset.getStorageInBytes() > checkedBytes) {
            throw new InteropException(what.get() + " stores " + dataset.getStorageInBytes() + " bytes of chunks, more than the "
                    + checkedBytes + " of the chunks its shape has; the file is damaged or hostile");
        }
    }

    /**
     * The chunk without its checksum, after checking it. HDF5 appends Fletcher-32 over the chunk's
     * bytes as 16-bit big-endian words (H5checksum.c, H5_checksum_fletcher32), stored little-endian;
     * files of HDF5 before 1.8 stored it byte-swapped, which HDF5 accepts too (H5Zfletcher32.c).
     */
    static ByteBuffer verifiedFletcher32(ByteBuffer raw, Supplier<String> what) {
        ByteBuffer data = raw.duplicate();
        if (data.remaining() < 4) {
            throw new InteropException(what.get() + " has a chunk too short for its Fletcher-32 checksum; the file is damaged");
        }
        int end = data.limit() - 4;
        int stored = data.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(end);
        data.limit(end);
        int sum = fletcher32(data.duplicate());
        if (sum != stored && Integer.reverseBytes(sum) != stored) {
            throw new InteropException(what.get() + " fails its Fletcher-32 checksum; the file is damaged or was altered");
        }
        return data;
    }

    /** HDF5's Fletcher-32 (H5checksum.c): sums of 16-bit big-endian words, folded every 360 words. */
    static int fletcher32(ByteBuffer data) {
        long sum1 = 0;
        long sum2 = 0;
        int words = data.remaining() / 2;
        while (words > 0) {
            int block = Math.min(360, words);
            words -= block;
            for (int i = 0; i < block; i++) {
                sum1 = (sum1 + (((data.get() & 0xFF) << 8) | (data.get() & 0xFF))) & 0xFFFFFFFFL; // C's uint32_t wraps
                sum2 = (sum2 + sum1) & 0xFFFFFFFFL;
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
            sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
        }
        if (data.hasRemaining()) { // an odd length: the last byte as a word's high half
            sum1 += (data.get() & 0xFF) << 8;
            sum2 += sum1;
            sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
            sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
        sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
        return (int) ((sum2 << 16) | sum1);
    }

    /** jhdf's LZF decoder allocates the chunk size the filter's third value declares, before decoding. */
    private static void checkLzfSize(PipelineFilterWithData filter, long chunkBytes, Supplier<String> what) {
        int[] data = filter.getFilterData();
        if (data == null || data.length < 3 || data[2] <= 0 || data[2] > chunkBytes) {
            throw new InteropException(what.get() + " declares an LZF chunk size of "
                    + (data == null || data.length < 3 ? "nothing" : String.valueOf(data[2])) + " bytes for chunks of " + chunkBytes
                    + "; the file is damaged or hostile");
        }
    }

    /** How many bytes {@code raw}'s gzip stream inflates to, counting no further than {@code limit} + 1. */
    private static long inflatedSize(ByteBuffer raw, long limit, byte[] scratch, Supplier<String> what) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(raw.duplicate());
            long total = 0;
            while (!inflater.finished() && total <= limit) {
                int n = inflater.inflate(scratch);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break; // a truncated stream: jhdf reports it when it reads the chunk
                }
                total += n;
            }
            return total;
        } catch (DataFormatException e) {
            throw new InteropException(what.get() + " has a chunk that is not a valid gzip stream (" + e.getMessage()
                    + "); the file is damaged", e);
        } finally {
            inflater.end();
        }
    }

    /** The next chunk's offset in row-major order; false after the last. */
    private static boolean next(int[] offset, int[] dims, int[] chunk) {
        for (int d = offset.length - 1; d >= 0; d--) {
            offset[d] += Math.max(1, chunk[d]);
            if (offset[d] < dims[d]) {
                return true;
            }
            offset[d] = 0;
        }
        return false;
    }
}
