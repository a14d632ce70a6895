package dev.convnet.interop;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes an HDF5 file with jhdf and never leaves it open. jhdf 0.9.4 writes everything in
 * {@code close()}, and when that fails (a full disk) it throws before closing its FileChannel: the
 * deleted temporary file then kept its disk space, and the tmpfs it was on stayed busy, until the
 * JVM exited. On any failure the channel is closed here.
 */
final class HdfWrite {
    private HdfWrite() {
    }

    /** Creates {@code file}, lets {@code content} fill it, and writes it out; jhdf's runtime exceptions pass through. */
    static void write(Path file, Consumer<WritableHdfFile> content) {
        WritableHdfFile hdf = HdfFile.write(file);
        try {
            content.accept(hdf);
            hdf.close();
        } catch (RuntimeException | Error e) {
            closeChannel(hdf, e);
            throw e;
        }
    }

    private static void closeChannel(WritableHdfFile hdf, Throwable failure) {
        try {
            Field channel = WritableHdfFile.class.getDeclaredField("fileChannel");
            channel.setAccessible(true);
            ((FileChannel) channel.get(hdf)).close();
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            failure.addSuppressed(e); // another jhdf version: the file stays open until the JVM exits, as before
        }
    }
}
