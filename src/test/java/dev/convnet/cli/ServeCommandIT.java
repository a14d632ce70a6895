package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.web.ServedModel;
import dev.convnet.web.ServerHardeningIT;
import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convnet serve} as a user runs it: one-line startup errors, and a graceful stop on SIGTERM. */
class ServeCommandIT {
    @TempDir
    Path tmp;

    @Test
    void startupProblemsAreOneLineAndANonZeroExit() throws IOException {
        String model = ServedModel.file().toString();
        assertOneLine(InProcessCli.run("serve", tmp.resolve("missing.zip").toString()), 2, "not found");
        String before = System.getProperty("convnet.home");
        System.setProperty("convnet.home", tmp.resolve("home").toString());
        try {
            assertOneLine(InProcessCli.run("serve"), 2, "no MODEL given, and " + tmp.resolve("home/models/model.zip")
                    + " (where 'convnet train' saves) does not exist yet: train a model first, or name a model file");
        } finally {
            if (before == null) {
                System.clearProperty("convnet.home");
            } else {
                System.setProperty("convnet.home", before);
            }
        }
        Path corrupt = Files.write(tmp.resolve("corrupt.zip"), "PK\u0003\u0004 this is not a model".getBytes(StandardCharsets.ISO_8859_1));
        assertOneLine(InProcessCli.run("serve", corrupt.toString(), "--port", "0"), 1, "corrupt.zip");
        assertOneLine(InProcessCli.run("serve", model, "--max-batch", "0"), 2, "--max-batch must be between 1");
        assertOneLine(InProcessCli.run("serve", model, "--port", "70000"), 2, "--port must be between 0 and 65535");
        assertOneLine(InProcessCli.run("serve", model, "--queue", "lots"), 2, "Invalid value for option '--queue'");
        assertOneLine(InProcessCli.run("serve", model, "--max-body-bytes", "5"), 2, "--max-body-bytes must be between");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertOneLine(InProcessCli.run("serve", model, "--port", "" + taken.getLocalPort()), 1, "is already in use");
        }
    }

    @Test
    void sigtermFinishesTheRequestInFlightAndExitsZero() throws Exception {
        Process server = startChild(List.of());
        try {
            String startup = startupLine(server);
            assertTrue(Pattern.compile("Serving \\S*model\\.zip \\(mnist, 104,202 parameters, test accuracy 0\\.\\d{4}, engine \\w+\\) "
                    + "at http://127\\.0\\.0\\.1:\\d+/").matcher(startup).find(), startup);
            int port = port(startup);

            byte[] digit = ServedModel.png(ServedModel.pixels(ServedModel.testImages(1), 0));
            try (Socket client = new Socket("127.0.0.1", port)) {
                OutputStream send = client.getOutputStream();
                send.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                        + digit.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                send.write(digit, 0, 40); // the request is in flight: headers and part of the body sent
                send.flush();
                Thread.sleep(300);
                server.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
                Thread.sleep(300);
                send.write(digit, 40, digit.length - 40);
                send.flush();
                String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.contains("\"class\":7"), answer);
            }
            assertTrue(assertStoppedCleanly(server, 10).contains("serving 2.0 s more so balancers notice"), "SIGTERM drains");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void ctrlCStopsWithoutWaitingForBalancers() throws Exception {
        // A shell starts background jobs with SIGINT ignored, and the JVM then cannot handle it: perl (Debian's
        // perl-base is always there) restores the default disposition and execs the server in its place (same pid).
        Process server = startChild(ServedModel.file(), List.of(), List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die"),
                "--drain-seconds", "30");
        try {
            startupLine(server);
            Process interrupt = new ProcessBuilder("kill", "-INT", String.valueOf(server.pid())).inheritIO().start();
            assertEquals(0, interrupt.waitFor());
            String rest = assertStoppedCleanly(server, 10); // not the 30 s a SIGTERM would drain
            assertTrue(rest.contains("Stopping: finishing the requests in flight ..."), rest);
            assertFalse(rest.contains("balancers"), rest);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aKerasFileIsServedUnderItsNameWithTheClassesOfTheDatasetGiven() throws Exception {
        Path keras = Files.copy(Path.of("src/test/resources/keras/book.keras"), tmp.resolve("book.keras"));
        try (ServerSocket taken = new ServerSocket(0)) { // were the refusal gone, the server would fail to start, not hang
            assertOneLine(InProcessCli.run("serve", ServedModel.file().toString(), "--dataset", "fashion-mnist", "--port",
                    "" + taken.getLocalPort()), 2, "was trained on mnist (its run record says so); --dataset fashion-mnist would label");
        }
        assertOneLine(InProcessCli.run("serve", keras.toString(), "--dataset", "cifar"), 2, "--dataset: unknown dataset 'cifar'");
        try (ServerSocket taken = new ServerSocket(0)) { // fails after loading: the note is said before that
            InProcessCli.Run run = InProcessCli.run("serve", keras.toString(), "--port", "" + taken.getLocalPort());
            assertEquals(1, run.exit(), run.err());
            assertTrue(run.err().startsWith("note: " + keras + " does not say what it was trained on; its answers are labelled "
                    + "with MNIST's digits (--dataset fashion-mnist for Fashion-MNIST's classes)"), run.err());
        }
        Process server = startChild(keras, List.of(), "--dataset", "fashion-mnist");
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String startup = lines.readLine();
            assertTrue(startup != null, "no startup line; stderr: " + Files.readString(tmp.resolve("stderr.txt")));
            assertTrue(startup.contains("book.keras (fashion-mnist, 104,202 parameters, no test accuracy on record"), startup);
            String v2 = lines.readLine(); // one reader for both lines: a second one would find the first's buffer took it
            assertTrue(v2.endsWith("/v2/models/book/infer"), "a Keras file's name without its ending: " + v2);
            byte[] digit = ServedModel.png(ServedModel.pixels(ServedModel.testImages(1), 0));
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port(startup) + "/predict"))
                            .header("Content-Type", "image/png").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(digit)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            java.util.regex.Matcher label = Pattern.compile("\"label\":\"([^\"]+)\"").matcher(answer.body());
            assertTrue(label.find() && dev.convnet.data.Dataset.FASHION_MNIST.classNames().contains(label.group(1)), answer.body());
            // a Keras file holds no run: /model shows none, not import's defaults (epochs 0, seed 1) as facts
            java.net.http.HttpResponse<String> model = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port(startup) + "/model")).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(model.body().contains("\"run\":{}") && !model.body().contains("\"seed\""), model.body());
            server.toHandle().destroy();
            assertStoppedCleanly(server, 10);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aHostThatCannotBeBoundIsSaidToBeThatNotAPortInUse() {
        String model = ServedModel.file().toString();
        // 999.1.1.1 is no address; .invalid names never resolve (RFC 6761); 203.0.113.0/24 is documentation-only (RFC 5737)
        for (String host : new String[] {"999.1.1.1", "256.0.0.1", "no-such-host-" + ProcessHandle.current().pid() + ".invalid"}) {
            assertOneLine(InProcessCli.run("serve", model, "--port", "0", "--host", host), 2, "is not an IP address and no name this machine can resolve");
        }
        for (String host : new String[] {"203.0.113.7", "198.51.100.20"}) {
            assertOneLine(InProcessCli.run("serve", model, "--port", "0", "--host", host), 2, "is not an address of this machine");
        }
        for (String host : new String[] {"", "  "}) {
            InProcessCli.Run run = InProcessCli.run("serve", model, "--port", "0", "--host", host);
            assertOneLine(run, 2, "--host is empty");
            assertFalse(run.out().contains("http://:"), run.out());
        }
    }

    @Test
    void sigtermWaitsForARequestLongerThanFiveSecondsAndExitsZero() throws Exception {
        Process server = startChild(List.of());
        try {
            int port = port(startupLine(server));
            // a 280x280 24-bit BMP of a real test digit (235 kB), sent at about 30 kB/s: an 8-second upload,
            // well above the minimum data rate and inside the body deadline
            float[] pixels = ServedModel.pixels(ServedModel.testImages(1), 0);
            byte[] picture = ServedModel.encode(dev.convnet.TestData.darkInkOnWhite(pixels, 10, 0, 0, Color.WHITE), "bmp");
            assertTrue(picture.length > 200_000, picture.length + " bytes");
            try (Socket client = new Socket("127.0.0.1", port)) {
                OutputStream send = client.getOutputStream();
                send.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/bmp\r\nContent-Length: "
                        + picture.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                long begin = System.nanoTime();
                int step = picture.length / 80;
                for (int sent = 0; sent < picture.length; sent += step) {
                    send.write(picture, sent, Math.min(step, picture.length - sent));
                    send.flush();
                    if (sent == 10 * step) {
                        server.toHandle().destroy(); // SIGTERM a second into the upload
                    }
                    Thread.sleep(100);
                }
                String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                double seconds = (System.nanoTime() - begin) / 1e9;
                assertTrue(seconds > 6, "the request took only " + seconds + " s");
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.contains("\"class\":"), answer);
            }
            String rest = assertStoppedCleanly(server, 15);
            assertFalse(rest.contains("cut off"), rest);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aPictureTooBigForTheHeapIsA503AndTheServerKeepsServing() throws Exception {
        Process server = startChild(List.of("-Xmx128m"), "--max-pixels", "100000000");
        try {
            int port = port(startupLine(server));
            // 4000x4000 RGBA at 16 bits a sample: 16 million pixels (under the size the decoder subsamples
            // from, and under --max-pixels), 128 MB decoded, a few hundred kB on the wire; the heap is 128 MB
            ServerHardeningIT.Answer huge = ServerHardeningIT.post(port, "/predict", "image/png", dev.convnet.TestData.blackPng(4_000, 4_000, 16, 6, 8));
            ServerHardeningIT.assertJsonError(huge, 503, "out of memory");
            byte[] digit = ServedModel.png(ServedModel.pixels(ServedModel.testImages(1), 0));
            ServerHardeningIT.Answer after = ServerHardeningIT.post(port, "/predict", "image/png", digit);
            assertEquals(200, after.status(), after.text());
        } finally {
            server.destroyForcibly();
        }
    }

    /** {@code convnet serve} of the served model on a free port, in a child JVM started with {@code jvmOptions}; stderr to stderr.txt. */
    private Process startChild(List<String> jvmOptions, String... serveOptions) throws IOException {
        return startChild(ServedModel.file(), jvmOptions, serveOptions);
    }

    private Process startChild(Path model, List<String> jvmOptions, String... serveOptions) throws IOException {
        return startChild(model, jvmOptions, List.of(), serveOptions);
    }

    private Process startChild(Path model, List<String> jvmOptions, List<String> launcher, String... serveOptions) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.convnet.ConvNet", "serve",
                model.toString(), "--port", "0"));
        command.addAll(List.of(serveOptions));
        return new ProcessBuilder(command).redirectError(tmp.resolve("stderr.txt").toFile()).start();
    }

    /** The server's first line of output, which names its URL. */
    private String startupLine(Process server) throws IOException {
        String startup = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(startup != null, "no startup line; stderr: " + Files.readString(tmp.resolve("stderr.txt")));
        return startup;
    }

    private static int port(String startup) {
        Matcher url = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/").matcher(startup);
        assertTrue(url.find(), startup);
        return Integer.parseInt(url.group(1));
    }

    /** Waits for a SIGTERMed server: exit 0, "Stopped.", no stack trace; returns the rest of its output. */
    private String assertStoppedCleanly(Process server, int seconds) throws Exception {
        assertTrue(server.waitFor(seconds, TimeUnit.SECONDS), "still running " + seconds + " s after SIGTERM");
        assertEquals(0, server.exitValue());
        String rest = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(rest.contains("Stopped."), rest);
        String err = Files.readString(tmp.resolve("stderr.txt"));
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        return rest;
    }

    private static void assertOneLine(InProcessCli.Run run, int exit, String text) {
        assertEquals(exit, run.exit(), run.out() + run.err());
        assertTrue(run.err().contains(text), run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("Exception:"), run.err());
        assertTrue(run.err().strip().lines().count() <= 2, run.err()); // the error, and at most "Try --help"
    }
}
