package dev.convnet.app;

import java.nio.file.Path;

/**
 * Every file a training run writes, named in one place from the model's path:
 * {@code models/model.zip} gets {@code models/model.checkpoint.zip},
 * {@code models/model.history.csv} and {@code models/model.history.png}.
 */
public record OutputPaths(Path model, Path checkpoint, Path historyCsv, Path historyChart) {

    /** Every file, to check before training that each can be written under its real name. */
    public java.util.List<Path> all() {
        return java.util.List.of(model, checkpoint, historyCsv, historyChart);
    }

    /**
     * The model a checkpoint belongs to: {@code runs/a.checkpoint.zip} → {@code runs/a.zip}, so that
     * a resumed run saves where the interrupted one would have; empty for any other name.
     */
    public static java.util.Optional<Path> modelOfCheckpoint(Path checkpoint) {
        Path fileName = checkpoint.getFileName();
        String name = fileName == null ? "" : fileName.toString();
        String suffix = ".checkpoint.zip";
        if (!name.endsWith(suffix) || name.length() == suffix.length()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(checkpoint.resolveSibling(name.substring(0, name.length() - suffix.length()) + ".zip"));
    }

    public static OutputPaths forModel(Path model) {
        String name = model.getFileName().toString();
        // m.ZIP's history is m.history.csv, as m.zip's is
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return new OutputPaths(model, model.resolveSibling(base + ".checkpoint.zip"),
                model.resolveSibling(base + ".history.csv"), model.resolveSibling(base + ".history.png"));
    }
}
