package dev.convnet.web;

import dev.convnet.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code convnet serve [MODEL.zip]}: the model behind an HTTP API, with a draw-a-digit page.
 * It lives in web/, the front end it starts (front ends do not use each other).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a saved model over HTTP: POST /predict (an image, or multipart 'image' parts), "
                + "GET /health, /model, /metrics (Prometheus), and a draw-a-digit page at /.",
            "Ctrl-C or SIGTERM stops: requests in flight finish, then the server exits."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "MODEL",
            description = {"A model saved by 'convnet train' (default: models/model.zip), or several, or a folder of them: "
                + "each is served as /v2/models/<file name without .zip> (Open Inference Protocol); the first also on /predict."})
    List<Path> models = new ArrayList<>();

    @Option(names = "--drain-seconds", paramLabel = "S", defaultValue = "2",
            description = "On SIGTERM, how long to keep serving after readiness turns false, so balancers stop "
                + "sending first (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (oneDNN where the network allows), onednn or dl4j (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, or bf16 (oneDNN engine; CPUs where bf16 is faster, else it runs fp32 and says so) (default: ${DEFAULT-VALUE}).")
    dev.convnet.engine.Precision precision;

    @Override
    public Integer call() throws InterruptedException {
        ServerSettings settings;
        try {
            settings = new ServerSettings(host, port, maxBatch, queue, maxBodyBytes, maxPixels, verbose(), allowedHosts);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!settings.verbose()) {
            // Javalin logs a failed start (a port in use) as an ERROR with a stack trace before it
            // throws; we say it in one line instead. slf4j-simple reads this as each logger is made.
            System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "off");
            System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "error");
        }
        if (!(drainSeconds >= 0 && drainSeconds <= 300)) {
            throw new ParameterException(spec.commandLine(), "--drain-seconds must be between 0 and 300, got " + drainSeconds);
        }
        if (precision != dev.convnet.engine.Precision.FP32 && engine == Engine.DL4J) {
            throw new ParameterException(spec.commandLine(), "--precision " + precision.id() + " needs the oneDNN engine: use --engine auto or onednn");
        }
        dev.convnet.engine.Precision running;
        try {
            running = precision.resolvedHere(line -> spec.commandLine().getErr().println("convnet serve: " + line));
        } catch (dev.convnet.engine.EngineUnavailableException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (models != null) {
            models.forEach(dev.convnet.interop.KerasReader::refuseSavedModel); // a folder, but not one of models
        }
        Optional<String> badHost = BindAddress.problem(host);
        if (badHost.isPresent()) {
            throw new ParameterException(spec.commandLine(), badHost.get());
        }
        List<Path> files = ModelFiles.resolve(models, Path.of(System.getProperty("convnet.home", ".")).resolve("models/model.zip"),
                message -> new ParameterException(spec.commandLine(), message));
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        boolean finished;
        List<NamedModel> loaded = ModelFiles.load(files, engine, running);
        try (PredictionServer server = PredictionServer.start(loaded, settings);
             StopSignals signals = new StopSignals(stop, spec.commandLine().getErr())) {
            out.println(startupLine(files.get(0), server.modelInfo(), server.url()));
            out.println("  Open Inference Protocol (V2): " + server.url() + "v2/models/{"
                    + String.join(",", loaded.stream().map(NamedModel::name).toList()) + "}/infer");
            out.flush();
            stop.await();
            server.stopBeingReady();
            out.printf(Locale.ROOT, "Stopping: not ready any more; serving %.1f s more so balancers notice, then finishing the requests in flight ...%n",
                    drainSeconds);
            out.flush();
            Thread.sleep(Math.round(drainSeconds * 1000));
            finished = server.stop();
        }
        if (!finished) {
            // A stop the user asked for still succeeded; the line says what it cost.
            out.println(String.format(Locale.ROOT, "Requests still running after %d s were cut off.",
                    ServerTimeouts.DEFAULT.stopMillis() / 1000));
        }
        out.println("Stopped.");
        out.flush();
        return 0;
    }

    private boolean verbose() {
        for (ParseResult r = spec.root().commandLine().getParseResult(); r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    static String startupLine(Path file, ModelInfo info, String url) {
        String accuracy = info.hasTestAccuracy()
                ? String.format(Locale.ROOT, ", test accuracy %.4f", info.testAccuracy()) : ", no test accuracy on record";
        return String.format(Locale.ROOT, "Serving %s (%s, %,d parameters%s, engine %s) at %s  (Ctrl-C stops)",
                display(file), info.dataset(), info.parameters(), accuracy, info.engine(), url);
    }

    /** A path as a person would type it: relative to the current directory where possible. */
    private static String display(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    /** The first Ctrl-C or SIGTERM asks for a graceful stop; a second one quits at once. */
    private static final class StopSignals implements AutoCloseable {
        private final List<Signal> signals = new ArrayList<>();
        private final List<SignalHandler> previous = new ArrayList<>();

        StopSignals(CountDownLatch stop, PrintWriter err) {
            for (String name : new String[] {"INT", "TERM"}) {
                Signal signal = new Signal(name);
                signals.add(signal);
                previous.add(Signal.handle(signal, s -> {
                    if (stop.getCount() == 0) {
                        err.println("Stopped at once.");
                        err.flush();
                        Runtime.getRuntime().halt(128 + s.getNumber());
                    }
                    stop.countDown();
                }));
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < signals.size(); i++) {
                Signal.handle(signals.get(i), previous.get(i));
            }
        }
    }
}
