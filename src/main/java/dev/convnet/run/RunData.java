package dev.convnet.run;

import java.util.Objects;

/**
 * What a run trains on (the files' checksums are in its {@link Provenance}).
 *
 * @param dataset the dataset's id, e.g. {@code mnist}
 * @param limit the first {@code limit} training images only; 0 for all
 * @param validationSplit the last fraction of the training images held out for validation, 0 for none
 * @param augment the training images' random augmentation as {@code train --augment} reads it
 *     ({@code Augmentation}'s text), or {@code none}; records without one read as {@code none}
 */
public record RunData(String dataset, int limit, double validationSplit, String augment) {
    public RunData {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(augment, "augment (\"none\" when none)");
    }

    /** All of {@code dataset}, nothing held out, no augmentation but {@code augment}. */
    public static RunData of(String dataset, int limit) {
        return new RunData(dataset, limit, 0, "none");
    }
}
