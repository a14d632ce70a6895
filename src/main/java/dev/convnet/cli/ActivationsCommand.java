package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.Split;
import dev.convnet.model.ModelFileException;
import dev.convnet.model.ModelStore;
import dev.convnet.report.Gallery;
import dev.convnet.runtime.NativeRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet activations MODEL --index N --out DIR}: every convolution and pooling layer's feature maps as PNG. */
@Command(name = "activations", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw the feature maps of every convolution and pooling layer for one test image, as PNG grids.")
public final class ActivationsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model saved by 'convnet train', or a Keras .keras/.h5 file.")
    Path model;

    @Option(names = "--index", paramLabel = "N", defaultValue = "0", description = "Test image to look at (default: ${DEFAULT-VALUE}).")
    int index;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the PNG files (created if needed).")
    Path out;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() throws IOException {
        ModelStore store = new ModelStore();
        SavedModel saved = SavedModel.open(spec, model, dataOptions, store);
        Dataset dataset = saved.dataset();
        NativeRuntime.start();
        ComputationGraph graph = saved.graph(store);
        LabeledImages test = dataOptions.loader(dataset).load(Split.TEST, 0);
        if (index < 0 || index >= test.size()) {
            throw new ParameterException(spec.commandLine(), "--index must be between 0 and " + (test.size() - 1));
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new ModelFileException("cannot create " + out + " (" + e.getMessage() + ")", e);
        }
        Map<String, INDArray> activations = graph.feedForward(test.images().get(NDArrayIndex.interval(index, index + 1)), false);
        PrintWriter text = spec.commandLine().getOut();
        text.printf("Test image %d (%s): feature maps of each layer%n", index, dataset.classNames().get(test.classes()[index]));
        int n = 0;
        for (String name : graph.getConfiguration().getTopologicalOrderStr()) {
            GraphVertex vertex = graph.getVertex(name);
            if (vertex == null || !vertex.hasLayer()) {
                continue;
            }
            Layer conf = vertex.getLayer().conf().getLayer();
            if (!(conf instanceof ConvolutionLayer) && !(conf instanceof SubsamplingLayer)) {
                continue;
            }
            INDArray a = activations.get(name); // [1, channels, h, w]
            int channels = (int) a.size(1);
            int h = (int) a.size(2);
            int w = (int) a.size(3);
            float[][] maps = new float[channels][];
            for (int c = 0; c < channels; c++) {
                maps[c] = a.get(NDArrayIndex.point(0), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all()).dup('c').reshape((long) h * w).toFloatVector();
            }
            Path png = out.resolve(String.format("%02d-%s.png", ++n, name));
            String type = conf instanceof ConvolutionLayer ? "Conv2D" : "MaxPooling2D";
            Gallery.featureMaps(String.format("%s (%s): %d maps of %dx%d", name, type, channels, h, w), maps, h, w, png);
            text.printf("  %-18s %3d maps of %2dx%-2d  %s%n", name, channels, h, w, Locations.display(png));
        }
        if (n == 0) {
            text.println("  (this model has no convolution or pooling layers: nothing to draw)");
        }
        text.flush();
        return 0;
    }
}
