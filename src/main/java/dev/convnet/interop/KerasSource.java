package dev.convnet.interop;

import java.nio.file.Path;

/**
 * Where an imported Keras model came from.
 *
 * @param file the file as given
 * @param format {@code keras} (Keras 3 zip) or {@code h5} (legacy HDF5)
 * @param kerasVersion the Keras version that saved it, or {@code unknown}
 * @param sha256 the file's SHA-256, hex
 */
public record KerasSource(Path file, String format, String kerasVersion, String sha256) {
    /** e.g. {@code Keras 3.15.1 .keras} */
    public String describe() {
        return "Keras " + kerasVersion + " ." + format;
    }
}
