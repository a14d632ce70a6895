package dev.convnet.cli;

import dev.convnet.data.Dataset;
import dev.convnet.engine.Precision;
import dev.convnet.report.Printable;
import dev.convnet.interop.KerasReader;
import dev.convnet.web.BindAddress;
import dev.convnet.web.ModelFiles;
import dev.convnet.web.ModelInfo;
import dev.convnet.web.NamedModel;
import dev.convnet.web.PredictionServer;
import dev.convnet.web.ServerSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code convnet serve [MODEL.zip]}: the model behind an HTTP API ({@link PredictionServer}), with a draw-a-digit page. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a saved model over HTTP: POST /predict (an image, or multipart 'image' parts), "
                + "GET /health, /model, /metrics (Prometheus), and a draw-a-digit page at /.",
            "Ctrl-C or SIGTERM stops: requests in flight finish, then the server exits."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "MODEL",
            description = "A model saved by 'convnet train' (default: models/model.zip) or a Keras file, or several, or a folder "
                + "of models: each is served as /v2/models/<file name without .zip, .keras or .h5> (Open Inference Protocol); "
                + "the first also on /predict.")
    List<Path> models = new ArrayList<>();

    @Option(names = "--drain-seconds", paramLabel = "S", defaultValue = "2",
            description = "On SIGTERM, how long to keep serving after readiness turns false, so balancers stop "
                + "sending first (default: ${DEFAULT-VALUE}; Ctrl-C does not wait).")
    double drainSeconds;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to bind; 0.0.0.0 serves other machines too (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--allowed-hosts", paramLabel = "NAME", split = ",",
            description = "Host names the server answers to besides localhost, 127.x and [::1] (bound to loopback it "
                    + "answers to those only, against DNS rebinding); * allows any.")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_MAX_BATCH,
            description = "Most images in one forward pass (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_QUEUE,
            description = "Most images waiting for the model; beyond it requests get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_MAX_BODY_BYTES,
            description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_MAX_PIXELS,
            description = "Most pixels (width x height) an image may have; larger ones get 413 undecoded (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "The classes a Keras file's answers are labelled with: mnist or fashion-mnist (default: mnist); "
                + "a convnet model's run record names its own.")
    String dataset;

    @Mixin
    InferenceOptions inference;

    @Override
    public Integer call() throws InterruptedException {
        ServerSettings settings;
        try {
            settings = new ServerSettings(host, port, maxBatch, queue, maxBodyBytes, maxPixels, VerboseOption.isVerbose(spec),
                    allowedHosts);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        VerboseOption.quietWebServerUnless(settings.verbose());
        if (!(drainSeconds >= 0 && drainSeconds <= 300)) {
            throw usage("--drain-seconds must be between 0 and 300, got " + drainSeconds);
        }
        Precision running = inference.resolve(spec);
        Optional<String> badHost = BindAddress.problem(host);
        if (badHost.isPresent()) {
            throw usage(badHost.get());
        }
        for (Path model : models) {
            if (Files.isDirectory(model)) {
                KerasReader.refuseSavedModel(model); // a folder, but not one of models
            } else {
                ModelArgument.checked(spec, model);
            }
        }
        List<Path> files = ModelFiles.resolve(models, Locations.defaultModel(), this::usage);
        Optional<Dataset> asked = Optional.ofNullable(dataset).map(this::datasetOption);
        if (asked.isEmpty()) {
            noteUnlabelledKerasFiles(files);
        }
        List<NamedModel> loaded = ModelFiles.load(files, inference.engine(), running, asked, this::usage);
        BindAddress.refuseTakenPort(host, port); // before the workers open and warm up the models (seconds)
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        boolean finished;
        try (PredictionServer server = PredictionServer.start(loaded, settings);
             StopOnSignal signals = StopOnSignal.whileServing(stop::countDown, spec.commandLine().getErr())) {
            out.println(startupLine(files.get(0), server.modelInfo(), server.url()));
            // one URL a line, each one that can be copied as it is
            for (NamedModel named : loaded) {
                out.println("  Open Inference Protocol (V2): " + server.url() + "v2/models/" + named.name() + "/infer");
            }
            out.flush();
            stop.await();
            server.stopBeingReady();
            if (signals.terminated()) { // a service manager's stop: balancers polling readiness need time to notice
                out.printf(Locale.ROOT, "Stopping: not ready any more; serving %.1f s more so balancers notice, then finishing the "
                        + "requests in flight ...%n", drainSeconds);
                out.flush();
                Thread.sleep(Math.round(drainSeconds * 1000));
            } else { // Ctrl-C: a person at a terminal, no balancer to wait for
                out.println("Stopping: finishing the requests in flight ...");
                out.flush();
            }
            finished = server.stop();
        }
        if (!finished) {
            // A stop the user asked for still succeeded; the line says what it cost.
            out.println(String.format(Locale.ROOT, "Requests still running after %d s were cut off.",
                    PredictionServer.stopWaitSeconds()));
        }
        out.println("Stopped.");
        out.flush();
        return 0;
    }

    private Dataset datasetOption(String id) {
        try {
            return Dataset.fromId(id);
        } catch (IllegalArgumentException e) {
            throw usage("--dataset: " + e.getMessage());
        }
    }

    /** A Keras file does not say what it was trained on: one line says which classes its answers get. */
    private void noteUnlabelledKerasFiles(List<Path> files) {
        for (Path file : files) {
            if (KerasReader.isKerasFile(file)) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("note: " + Printable.path(file) + " does not say what it was trained on; its answers are labelled "
                        + "with MNIST's digits (--dataset fashion-mnist for Fashion-MNIST's classes)");
                err.flush();
            }
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static String startupLine(Path file, ModelInfo info, String url) {
        String accuracy = info.hasTestAccuracy()
                ? String.format(Locale.ROOT, ", test accuracy %.4f", info.testAccuracy()) : ", no test accuracy on record";
        return String.format(Locale.ROOT, "Serving %s (%s, %,d parameters%s, engine %s) at %s  (Ctrl-C stops)",
                Locations.display(file), info.dataset(), info.parameters(), accuracy, info.engine(), url);
    }
}
