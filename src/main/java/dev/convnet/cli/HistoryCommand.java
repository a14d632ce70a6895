package dev.convnet.cli;

import dev.convnet.app.SavedModels;
import dev.convnet.model.ModelStore;
import dev.convnet.report.HistoryTable;
import dev.convnet.report.Json;
import dev.convnet.run.RunState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code convnet history MODEL.zip...}: the per-epoch figures each model's run record carries, side by side. */
@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the per-epoch loss and accuracy of one or several saved models (or checkpoints) side by side.")
public final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "MODEL",
            description = "Saved models or checkpoints (.zip), or Keras files (which record no epochs); without one, the model 'train' saved last.")
    List<Path> models = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON document: per model its file, settings and history.")
    boolean json;

    /**
     * A column's heading: the file's name, so that long paths do not widen the table; its path
     * when another model given has the same name (runs of one name in several folders).
     */
    private String columnName(Path model) {
        Path name = model.getFileName();
        boolean repeated = models.stream().filter(m -> m.getFileName().equals(name)).count() > 1;
        return repeated ? Locations.display(model) : dev.convnet.report.Printable.text(name.toString()); // a name may hold a terminal escape
    }

    @Override
    public Integer call() {
        if (models.isEmpty()) { // as evaluate, summary and predict: the model train saved last
            models.add(ModelArgument.defaultModel(spec));
        }
        SavedModels saved = new SavedModels(new ModelStore());
        List<HistoryTable.Run> runs = new ArrayList<>();
        List<Map<String, Object>> docs = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> kept = new ArrayList<>(); // "es.zip: the model holds epoch 5's weights ...", under the table
        RuntimeException first = null;
        for (Path model : models) { // every record is read before anything is printed
            RunState state;
            try {
                SavedModelFile.check(spec, model);
                state = saved.runRecord(model).orElseThrow(() -> new dev.convnet.model.ModelFileException(
                        model + " has no run record (it was not saved by convnet train), so no history to show"));
            } catch (RuntimeException e) { // alone, it is thrown below as the first; of several, said and the others shown
                first = first == null ? e : first;
                unreadable.add(e.getMessage());
                continue;
            }
            runs.add(new HistoryTable.Run(columnName(model), state.history()));
            int keptEpoch = state.provenance().outcome().keptEpoch();
            if (keptEpoch > 0) {
                kept.add(columnName(model) + ": the model holds epoch " + keptEpoch
                        + "'s weights (early stopping kept the lowest val_loss of that run's epochs)");
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.toString());
            // a Keras file holds no run: its settings are import's defaults, not facts about the file
            doc.put("run", dev.convnet.interop.KerasReader.isKerasFile(model) ? null : Json.run(state));
            doc.put("history", Json.history(state.history()));
            docs.add(doc);
        }
        if (runs.isEmpty()) {
            throw first; // none could be read: the first one's error, as for a single model
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(Json.object("models", docs, "errors", unreadable)));
        } else {
            out.print(HistoryTable.render(runs));
            kept.forEach(out::println);
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        unreadable.forEach(problem -> err.println("convnet history: " + dev.convnet.report.Printable.text(problem)));
        err.flush();
        return unreadable.isEmpty() ? 0 : 1;
    }
}
