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

    public static OutputPaths forModel(Path model) {
        String name = model.getFileName().toString();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return new OutputPaths(model, model.resolveSibling(base + ".checkpoint.zip"),
                model.resolveSibling(base + ".history.csv"), model.resolveSibling(base + ".history.png"));
    }
}
