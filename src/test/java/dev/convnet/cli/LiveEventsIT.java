package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a page reads from a real {@code train --live} run, event by event: the update/weight ratios
 * the engine measured (every layer, about {@code RATIOS_PER_EPOCH} times an epoch, sizes a step of
 * RMSprop makes), and each epoch's evaluation of the test digits, drawn off the training thread
 * yet sent before the run's end.
 */
class LiveEventsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Event(String type, JsonNode data) {
    }

    @Test
    void ratiosAndEvaluationsReachThePageBeforeTheEnd() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 640, 300, false);
        int port = freePort();
        // 640 images in batches of 16: 40 steps an epoch, 2 epochs
        CompletableFuture<InProcessCli.Run> training = liveTraining(data, port);
        List<Event> events = readUntilEnd(port, training);
        // a page on another name (DNS rebinding to 127.0.0.1) can neither read the run nor press Stop
        for (String request : List.of("GET /", "GET /events", "GET /earlier", "POST /stop")) {
            assertTrue(rawStatusLine(port, request, "attacker.example").startsWith("HTTP/1.1 421"), request);
        }
        assertTrue(rawStatusLine(port, "GET /earlier", "localhost:" + port).startsWith("HTTP/1.1 200"));
        String settings = events.get(0).data().get("settings").toString();
        assertTrue(settings.contains("-o model.zip") && !settings.contains(tmp.toString()), "names, not folders: " + settings);
        closePage(port);
        InProcessCli.Run run = training.get(120, TimeUnit.SECONDS);
        assertEquals(0, run.exit(), run.err());

        List<Event> ratios = events.stream().filter(e -> e.type().equals("ratios")).toList();
        assertTrue(ratios.size() >= 2 * 4, "about 10 an epoch of 40 steps (one every 4): " + ratios.size());
        for (Event r : ratios) {
            List<String> layers = new ArrayList<>();
            r.data().get("layers").fieldNames().forEachRemaining(layers::add);
            assertEquals(List.of("conv2d", "conv2d_1", "conv2d_2", "dense"), layers);
            for (String layer : layers) {
                double ratio = r.data().get("layers").get(layer).asDouble();
                // RMSprop moves each weight by about lr = 0.001 while the weights are about 0.05-0.2 in size
                assertTrue(ratio > 1e-4 && ratio < 0.5, layer + " ratio " + ratio + " at x " + r.data().get("x"));
            }
        }

        List<Event> evaluations = events.stream().filter(e -> e.type().equals("evaluation")).toList();
        assertEquals(List.of(1, 2), evaluations.stream().map(e -> e.data().get("epoch").asInt()).toList());
        for (Event e : evaluations) {
            long counted = 0;
            for (JsonNode row : e.data().get("confusion")) {
                assertEquals(10, row.size());
                for (JsonNode n : row) {
                    counted += n.asLong();
                }
            }
            assertEquals(300, counted, "every test digit of the sample counted once");
            assertEquals(300, e.data().get("images").asInt());
            if (e.data().get("misread").asInt() > 0) {
                assertTrue(e.data().get("strip").asText().startsWith("data:image/png;base64,"), "the strip of misread digits");
            }
        }
        assertEquals("end", events.get(events.size() - 1).type(), "the end comes last");
        assertEquals("completed", events.get(events.size() - 1).data().get("outcome").asText());
    }

    /**
     * The page's Stop before any epoch has ended leaves nothing on disk: not a success (exit 1), so
     * that {@code train --live && next-step} does not go on without a model.
     */
    @Test
    void aStopBeforeAnyEpochEndedIsNotASuccess() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 6_000, 100, false);
        int port = freePort();
        CompletableFuture<InProcessCli.Run> training = liveTraining(data, port);
        String answer = null;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); answer == null; ) {
            try {
                answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stop"))
                        .header("X-Convnet-Action", "stop").POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException notYet) {
                if (training.isDone() || System.nanoTime() > deadline) {
                    throw new AssertionError("the page never opened: " + (training.isDone() ? training.join().err() : ""));
                }
                Thread.sleep(50);
            }
        }
        InProcessCli.Run run = training.get(120, TimeUnit.SECONDS);
        assertTrue(run.err().contains("Interrupted in epoch 1 ") && run.err().contains("No epoch had finished, so nothing was saved"),
                "stopped in the first of 375 steps an epoch: " + run.err());
        assertEquals(1, run.exit(), run.err());
        assertTrue(!Files.exists(model()));
    }

    @Test
    void aPortInUseIsOneLineSayingSo() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            InProcessCli.Run run = InProcessCli.run("train", "--epochs", "1", "--data", TestData.mnist().toString(), "-o",
                    tmp.resolve("m.zip").toString(), "--live", "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(2, run.exit(), run.err());
            assertEquals("convnet train: --live: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use; stop the other "
                    + "server or choose another with --port (0: any free port)", run.err().lines().findFirst().orElse(""), run.err());
        }
    }

    /** Two epochs in batches of 16 into {@link #model()}, with the live page on {@code port}, on another thread. */
    private CompletableFuture<InProcessCli.Run> liveTraining(Path data, int port) throws IOException {
        Path model = model();
        return CompletableFuture.supplyAsync(() -> InProcessCli.run("train", "--epochs", "2", "--batch", "16", "--seed", "5",
                "--data", data.toString(), "-o", model.toString(), "--live", "--port", String.valueOf(port)));
    }

    /** Where the live runs save: models/model.zip in the test's folder. */
    private Path model() throws IOException {
        return Files.createDirectories(tmp.resolve("models")).resolve("model.zip");
    }

    /** The event stream as a browser reads it, until the run's end event. */
    private static List<Event> readUntilEnd(int port, CompletableFuture<InProcessCli.Run> training) throws Exception {
        HttpResponse<java.io.InputStream> response = null;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); response == null; ) {
            try {
                response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException notYet) {
                if (training.isDone() || System.nanoTime() > deadline) {
                    throw new AssertionError("the page never opened: " + (training.isDone() ? training.join().err() : ""));
                }
                Thread.sleep(200);
            }
        }
        List<Event> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String type = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("event: ")) {
                    type = line.substring("event: ".length());
                } else if (line.startsWith("data: ") && type != null) {
                    events.add(new Event(type, JSON.readTree(line.substring("data: ".length()))));
                    if (type.equals("end")) {
                        return events;
                    }
                }
            }
        }
        throw new AssertionError("the stream ended without an end event: " + events.stream().map(Event::type).toList());
    }

    /** The page's Close, once training ended (until then, the same button asks the run to stop). */
    private static void closePage(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            String answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stop"))
                    .header("X-Convnet-Action", "stop").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (answer.contains("closing")) {
                return;
            }
            Thread.sleep(100); // the end event goes out a moment before the page turns into a finished run's
        }
        throw new AssertionError("the page never offered to close");
    }

    /** The status line of {@code request} ("GET /path") sent with the given Host header, over a plain socket (HttpClient sets Host itself). */
    private static String rawStatusLine(int port, String request, String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: " + host + "\r\nX-Convnet-Action: stop\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
