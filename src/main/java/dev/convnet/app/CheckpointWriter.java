package dev.convnet.app;

import dev.convnet.model.ModelStore;
import dev.convnet.run.EpochRecord;
import dev.convnet.run.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Writes the model, its optimiser state and the run's progress to the checkpoint after every
 * epoch (atomically, through {@link ModelStore}), and knows the latest state it wrote.
 */
final class CheckpointWriter implements Consumer<EpochRecord> {
    private final ModelStore store;
    private final ComputationGraph graph;
    private final Path file;
    private final OnDisk onDisk;
    private final Supplier<float[]> trainingWeights;
    private volatile RunState latest;

    /** {@code trainingWeights}: the optimiser's weights when the graph holds their average, else null (see {@link ModelStore#TRAINING_WEIGHTS}). */
    CheckpointWriter(ModelStore store, ComputationGraph graph, Supplier<float[]> trainingWeights, Path file, RunState start,
                     OnDisk onDisk) {
        this.store = store;
        this.trainingWeights = trainingWeights;
        this.graph = graph;
        this.file = file;
        this.latest = start;
        this.onDisk = onDisk;
    }

    /** Called once the graph holds the epoch's weights. */
    @Override
    public void accept(EpochRecord record) {
        RunState next = latest.afterEpoch(record);
        store.save(graph, file, next.toText(), trainingWeights.get(), () -> onDisk.checkpointed(record.epoch()));
        latest = next;
    }

    /** The run state as of the last finished epoch (the start state before any). */
    RunState latest() {
        return latest;
    }

    /** The checkpoint file, if it holds a finished epoch to resume from. */
    Optional<Path> kept() {
        return latest.epochsDone() > 0 && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
}
