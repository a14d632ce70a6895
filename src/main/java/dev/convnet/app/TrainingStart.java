package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.run.RunState;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * What a run is about to do, once the network is built and the data loaded.
 *
 * @param state the run's settings and earlier progress (epochsDone &gt; 0 when resumed)
 * @param validationImages 0 without a validation split
 * @param engine the engine the steps run on, e.g. {@code oneDNN}
 * @param nativeBuild the native build and threads, as the run record shows them
 * @param probe a look at the weights and predictions as training goes (training thread only)
 * @param model where the model will be saved (its folder holds earlier runs' history files)
 */
public record TrainingStart(ComputationGraphConfiguration network, RunState state, Dataset dataset, int trainImages,
                            int validationImages, String engine, String nativeBuild, TrainingProbe probe,
                            java.nio.file.Path model) {

    public boolean resumed() {
        return state.epochsDone() > 0;
    }
}
