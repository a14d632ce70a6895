package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.Split;
import dev.convnet.model.ModelStore;
import dev.convnet.predict.MnistStyle;
import dev.convnet.predict.TerminalImage;
import dev.convnet.report.Json;
import dev.convnet.runtime.NativeRuntime;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet predict MODEL.zip IMAGE...}: what the model sees in pictures, or in a test image. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict the class of PNG, JPEG, GIF or BMP pictures of any size, colour or grey.",
            "Each picture is prepared as MNIST was made: greyscale, inverted when the background is light, "
                    + "cropped to the digit, scaled into 20x20 and centred by centre of mass in 28x28."})
public final class PredictCommand implements Callable<Integer> {
    private static final int TOP = 3;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model saved by 'convnet train'.")
    Path model;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "IMAGE", description = "Pictures to classify.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--index", paramLabel = "N", description = "Predict test image N instead, and draw it in the terminal.")
    Integer index;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--json", description = "Print one JSON document with the predictions and nothing else.")
    boolean json;

    @Override
    public Integer call() {
        if (images.isEmpty() == (index == null)) {
            throw new ParameterException(spec.commandLine(), "give IMAGE files or --index N (one of the two)");
        }
        ModelStore store = new ModelStore();
        SavedModel saved = SavedModel.open(spec, model, dataOptions, store);
        Dataset dataset = saved.dataset();
        NativeRuntime.start();
        ComputationGraph graph = saved.graph(store);
        return index != null ? predictTestImage(graph, dataset) : predictFiles(graph, dataset);
    }

    private int predictFiles(ComputationGraph graph, Dataset dataset) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Map<String, Object>> results = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        int width = images.stream().mapToInt(p -> p.toString().length()).max().orElse(5);
        for (Path image : images) {
            float[] pixels;
            try {
                pixels = MnistStyle.prepare(read(image));
            } catch (IOException e) {
                errors.add(Map.of("file", image.toString(), "error", e.getMessage()));
                if (!json) {
                    err.println("convnet predict: " + image + ": " + e.getMessage());
                }
                continue;
            }
            float[] p = probabilities(graph, pixels);
            results.add(prediction(image.toString(), p, dataset));
            if (!json) {
                int nameWidth = dataset.classNames().stream().mapToInt(String::length).max().orElse(1);
                out.printf(Locale.ROOT, "%-" + width + "s  %-" + nameWidth + "s %6.1f%%   top %d: %s%n", image,
                        dataset.classNames().get(argmax(p)), 100 * p[argmax(p)], TOP, topText(p, dataset));
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.toString());
            doc.put("predictions", results);
            doc.put("errors", errors);
            out.println(Json.write(doc));
        }
        out.flush();
        return errors.isEmpty() ? 0 : 1;
    }

    private int predictTestImage(ComputationGraph graph, Dataset dataset) {
        LabeledImages test = dataOptions.loader(dataset).load(Split.TEST, 0);
        if (index < 0 || index >= test.size()) {
            throw new ParameterException(spec.commandLine(), "--index must be between 0 and " + (test.size() - 1));
        }
        float[] pixels = new float[784];
        test.pixels().get(index * 784, pixels);
        float[] p = probabilities(graph, pixels);
        String truth = dataset.classNames().get(test.classes()[index]);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = prediction("test[" + index + "]", p, dataset);
            doc.put("true", truth);
            out.println(Json.write(Map.of("model", model.toString(), "predictions", List.of(doc))));
        } else {
            List<String> picture = TerminalImage.render(pixels, 28);
            List<String> text = List.of("", "", "", String.format("Test image %d of %s", index, dataset.id()),
                    "True class:  " + truth,
                    String.format(Locale.ROOT, "Predicted:   %s (%.1f%%)%s", dataset.classNames().get(argmax(p)),
                            100 * p[argmax(p)], argmax(p) == test.classes()[index] ? "" : "   wrong"),
                    "Top " + TOP + ":       " + topText(p, dataset));
            out.println("┌" + "─".repeat(28) + "┐");
            for (int i = 0; i < picture.size(); i++) {
                out.println("│" + picture.get(i) + "│  " + (i < text.size() ? text.get(i) : ""));
            }
            out.println("└" + "─".repeat(28) + "┘");
        }
        out.flush();
        return 0;
    }

    private static BufferedImage read(Path image) throws IOException {
        if (!Files.isRegularFile(image)) {
            throw new IOException("no such file");
        }
        BufferedImage picture;
        try {
            picture = ImageIO.read(image.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("not a readable image (" + e.getMessage() + ")");
        }
        if (picture == null) {
            throw new IOException("not a PNG, JPEG, GIF or BMP image");
        }
        return picture;
    }

    private static float[] probabilities(ComputationGraph graph, float[] pixels) {
        return graph.outputSingle(false, Nd4j.create(pixels, new long[] {1, 1, 28, 28}, 'c')).toFloatVector();
    }

    private static Map<String, Object> prediction(String source, float[] p, Dataset dataset) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("source", source);
        doc.put("class", argmax(p));
        doc.put("label", dataset.classNames().get(argmax(p)));
        doc.put("probability", p[argmax(p)]);
        List<Map<String, Object>> top = new ArrayList<>();
        for (int c : topClasses(p)) {
            top.add(Map.of("class", c, "label", dataset.classNames().get(c), "probability", p[c]));
        }
        doc.put("top", top);
        return doc;
    }

    private static String topText(float[] p, Dataset dataset) {
        StringBuilder s = new StringBuilder();
        for (int c : topClasses(p)) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f%%", dataset.classNames().get(c), 100 * p[c]));
        }
        return s.toString();
    }

    private static int[] topClasses(float[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
        return Arrays.stream(order).limit(TOP).mapToInt(Integer::intValue).toArray();
    }

    private static int argmax(float[] p) {
        return topClasses(p)[0];
    }
}
