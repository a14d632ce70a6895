package dev.convnet.web;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A model served under a name: the {@code {name}} of the Open Inference Protocol's
 * {@code /v2/models/{name}} paths. {@code convnet serve a.zip b.keras} names them {@code a} and {@code b}.
 *
 * @param name letters, digits, '.', '_' or '-' (it appears in URLs unescaped)
 * @param source the model behind the name, opened by the server's inference worker
 */
public record NamedModel(String name, ModelSource source) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final java.util.List<String> MODEL_ENDINGS = java.util.List.of(".zip", ".keras", ".hdf5", ".h5");

    /** @throws IllegalArgumentException for a name that would need escaping in a URL */
    public NamedModel {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name
                    + "' cannot be used in a URL: use letters, digits, '.', '_' and '-' (rename the file)");
        }
    }

    /**
     * The name a model file gives: its file name without the model ending ({@code .zip}, {@code .keras},
     * {@code .h5}, {@code .hdf5}), e.g. {@code models/mnist.zip} → {@code mnist}, {@code book.keras} → {@code book}.
     */
    public static String nameOf(Path file) {
        String name = file.getFileName() == null ? "model" : file.getFileName().toString();
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (String ending : MODEL_ENDINGS) {
            if (lower.endsWith(ending) && lower.length() > ending.length()) {
                return name.substring(0, name.length() - ending.length());
            }
        }
        return name;
    }
}
