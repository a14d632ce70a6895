package dev.convnet.app;

import dev.convnet.interop.InteropException;
import dev.convnet.interop.InteropWriteException;
import dev.convnet.interop.KerasReader;
import dev.convnet.interop.KerasWriter;
import dev.convnet.interop.OnnxWriter;
import dev.convnet.platform.Versions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** {@code export}: a saved model (or a Keras file) written as ONNX, a Keras 3 .keras, a legacy Keras .h5, or Keras weights. */
public final class ModelExport {
    /** What {@code export} writes. */
    public enum Format {
        ONNX, KERAS, KERAS_H5, KERAS_WEIGHTS;

        /** The format a file name asks for: {@code .onnx}, {@code .keras}, {@code .weights.h5} or {@code .h5}. */
        public static Optional<Format> of(Path file) {
            String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".onnx") ? Optional.of(ONNX) : name.endsWith(".keras") ? Optional.of(KERAS)
                    : name.endsWith(".weights.h5") ? Optional.of(KERAS_WEIGHTS)
                    : name.endsWith(".h5") || name.endsWith(".hdf5") ? Optional.of(KERAS_H5) : Optional.empty();
        }

        /**
         * Whether {@code file} is of this format, so that an export may replace it: ONNX's
         * ModelProto opens with field 1, ir_version (byte 0x08; onnx.proto); the Keras formats as
         * {@link KerasReader#holdsKeras} tells.
         *
         * @throws java.io.UncheckedIOException when the file cannot be read
         */
        public boolean holdsIts(Path file) {
            if (this != ONNX) {
                return KerasReader.holdsKeras(file);
            }
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                return in.read() == 0x08;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private final SavedModels models;

    public ModelExport(SavedModels models) {
        this.models = models;
    }

    /** Writes {@code model} to {@code target} atomically; InteropException naming the model if it cannot be. */
    public void run(Path model, Format format, Path target) {
        LoadedModel loaded = models.load(model);
        try {
            switch (format) {
                case ONNX -> new OnnxWriter().write(loaded.graph(), target, Versions.convnet());
                case KERAS -> new KerasWriter().writeKeras(loaded.graph(), target);
                case KERAS_H5 -> new KerasWriter().writeLegacyH5(loaded.graph(), target);
                case KERAS_WEIGHTS -> new KerasWriter().writeWeights(loaded.graph(), target);
                default -> throw new IllegalStateException(format.name());
            }
        } catch (InteropWriteException e) {
            throw e; // names the target already
        } catch (InteropException e) {
            throw new InteropException(model + ": " + e.getMessage(), e);
        }
    }
}
