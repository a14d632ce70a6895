package dev.convnet.cli;

import dev.convnet.app.SavedModels;
import dev.convnet.data.DataFormatException;
import dev.convnet.data.DatasetNotFoundException;
import dev.convnet.data.Dataset;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.report.Printable;
import dev.convnet.run.RunState;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --dataset} and {@code --data} options that every command reading images shares. */
public final class DataOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "mnist or fashion-mnist (default: mnist, or the dataset a model was trained on).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the IDX files, plain or .gz: train reads all four, the others the two t10k files (default: data/<dataset>).")
    Path data;

    /** The dataset asked for, or {@code fallback} when none was. */
    Dataset dataset(Dataset fallback) {
        if (dataset == null) {
            return fallback;
        }
        try {
            return Dataset.fromId(dataset);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--dataset: " + e.getMessage());
        }
    }

    /**
     * Says on standard error when --dataset names another dataset than the one the model's run
     * record says it was trained on: the figures that follow are then of a model on data it never saw.
     *
     * @param records reads the model's run record, only when --dataset was given
     */
    void noteIfNotTrainedOn(Supplier<Optional<RunState>> records, Path model) {
        trainedOnAnother(records, model).ifPresent(trained -> {
            spec.commandLine().getErr().println("Note: " + Printable.path(model) + " was trained on " + trained
                    + "; this runs it on " + dataset(Dataset.MNIST).id() + ", whose classes it never saw");
            spec.commandLine().getErr().flush();
        });
    }

    /**
     * Refuses --dataset naming another dataset than the one the model's run record says it was
     * trained on, where the model's answers would be printed with that dataset's class names (a
     * digit as "Sneaker"): predict and activations, as serve refuses it.
     *
     * @throws ParameterException when it does
     */
    void refuseIfNotTrainedOn(Supplier<Optional<RunState>> records, Path model) {
        trainedOnAnother(records, model).ifPresent(trained -> {
            throw new ParameterException(spec.commandLine(), SavedModels.trainedOnAnother(model, trained, dataset(Dataset.MNIST)));
        });
    }

    /** The dataset the model's run record names, when --dataset names another. */
    private Optional<String> trainedOnAnother(Supplier<Optional<RunState>> records, Path model) {
        // a Keras file read directly has no record of its own: the one convnet assumes for it says mnist
        if (dataset == null || dev.convnet.interop.KerasReader.isKerasFile(model)) {
            return Optional.empty();
        }
        Optional<RunState> record = records.get();
        if (record.isEmpty()) {
            return Optional.empty();
        }
        String trained = record.get().data().dataset();
        return dataset(Dataset.MNIST).id().equals(trained) ? Optional.empty() : Optional.of(trained);
    }

    /** The dataset asked for with --dataset, if any. */
    Optional<Dataset> datasetIfGiven() {
        return dataset == null ? Optional.empty() : Optional.of(dataset(Dataset.MNIST));
    }

    /** A loader for the folder, after checking that the dataset is there (a usage error if not). */
    MnistLoader loader(Dataset which) {
        return loader(which, Split.values());
    }

    /** A loader for the folder, after checking that the test split is there: what evaluate, predict and activations read. */
    MnistLoader testLoader(Dataset which) {
        return loader(which, Split.TEST);
    }

    private MnistLoader loader(Dataset which, Split... splits) {
        Path directory = data != null ? data : Locations.home().resolve("data").resolve(which.id());
        MnistLoader loader = new MnistLoader(directory);
        try {
            loader.checkPresent(splits);
        } catch (DatasetNotFoundException e) {
            // with --data given, the folder is the user's: say what it lacks, not that the dataset is unknown
            String message = data == null
                    ? which.id() + " not found: " + e.getMessage() + "; run scripts/fetch-data " + which.id() + " to install it"
                    : e.getMessage() + "; point --data at a folder with " + which.id() + "'s "
                            + (splits.length == 1 ? "t10k files" : "four IDX files");
            throw new ParameterException(spec.commandLine(), message);
        } catch (DataFormatException e) {
            throw new ParameterException(spec.commandLine(), which.id() + " cannot be read: " + e.getMessage());
        }
        refuseAnotherDataset(directory, loader, which, splits.length == Split.values().length);
        return loader;
    }

    /**
     * Refuses a folder holding another published dataset's files than the one the command reads
     * (--dataset's, or the model's): Fashion-MNIST's test images read as MNIST's came out as "True
     * class: 9, Predicted: 2" for an ankle boot, and train would record them as MNIST.
     */
    private void refuseAnotherDataset(Path directory, MnistLoader loader, Dataset which, boolean training) {
        Optional<Dataset> held = Dataset.ofTestLabels(loader.testLabelsSha256());
        if (held.isEmpty() || held.get() == which) {
            return;
        }
        String holds = directory + " holds " + held.get().id() + "'s files";
        if (dataset != null) {
            throw new ParameterException(spec.commandLine(), holds + ", not " + which.id() + "'s as --dataset says; give --data "
                    + "a folder of " + which.id() + "'s files");
        }
        // without --dataset, train reads the default (mnist); the other commands read the model's dataset
        throw new ParameterException(spec.commandLine(), training
                ? holds + ", and train reads " + which.id() + " without --dataset; to train on them, add --dataset " + held.get().id()
                : holds + ", and the model reads " + which.id() + "'s; give --data a folder of " + which.id() + "'s files");
    }
}
