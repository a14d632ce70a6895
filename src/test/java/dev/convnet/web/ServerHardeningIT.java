package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.app.SavedModels;
import dev.convnet.engine.Engine;
import dev.convnet.http.PublicPaths;
import dev.convnet.model.ModelStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What hostile or careless clients send, generated here and sent over real sockets to a real
 * server with the real model: invented methods and paths (bounded metrics), other Host names (DNS
 * rebinding), HEAD, yes/no flags, paths in the run record, and slow clients (headers and bodies
 * trickled a byte at a time) while /health must keep answering. The slow-client server runs with
 * short deadlines so the test takes seconds; the code path is the one the defaults use.
 */
public class ServerHardeningIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Short deadlines: 1.5 s of silence, 1 kB/s after 1 s, headers within 1.5-3 s, a body within 3 s. */
    private static final ServerTimeouts SHORT = new ServerTimeouts(1_500, 1024, 1_000, 1_500, 3_000, 10_000);

    private static ModelSource model;
    private static PredictionServer server;
    private static byte[] digit;

    @BeforeAll
    static void start() {
        model = PredictorClassifier.source(new SavedModels(new ModelStore()).load(ServedModel.file()), Engine.AUTO);
        server = PredictionServer.start(model, new ServerSettings("127.0.0.1", 0, 64, 256, 1 << 20, 4_000_000, false));
        digit = ServedModel.png(ServedModel.pixels(ServedModel.testImages(1), 0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void inventedMethodsAndPathsKeepEveryMetricLabelBounded() throws Exception {
        Random random = new Random(16);
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            String method = inventedMethod(random);
            sent.add(method);
            Answer a = raw(server.port(), method + " /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertJsonError(a, 405, "unknown HTTP method");
        }
        for (String method : List.of("get", "Post", "FOO1", "GET2", "M-SEARCH", "héad")) {
            Answer a = raw(server.port(), method + " /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertTrue(a.status() == 405 || a.status() == 400, a.text());
            assertTrue(a.header("content-type").startsWith("application/json"), a.text());
            assertTrue(JSON.readTree(a.body()).get("error").isTextual(), a.text());
        }
        Answer asterisk = raw(server.port(), "OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(200, asterisk.status(), asterisk.text()); // the server as a whole (RFC 9110, 7.1)
        assertEquals("GET, HEAD, POST", asterisk.header("allow"), asterisk.text());
        assertTrue(asterisk.header("content-type").startsWith("application/json"), asterisk.text());
        assertJsonError(raw(server.port(), "GET * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400, "Bad URI path");
        for (int i = 0; i < 200; i++) {
            String path = "/" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "/" + i;
            assertEquals(404, raw(server.port(), "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").status());
        }
        String metrics = raw(server.port(), "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").body();
        Set<String> methods = labelValues(metrics, "method");
        Set<String> paths = labelValues(metrics, "path");
        assertTrue(FrontDoor.METHODS.containsAll(without(methods, "other")), methods.toString());
        assertTrue(methods.contains("other"), methods.toString());
        assertTrue(paths.size() <= 8, paths.toString()); // the routes and "other"
        for (String m : sent) {
            assertFalse(metrics.contains("method=\"" + m + "\""), m);
        }
        assertTrue(metrics.length() < 200_000, "a " + metrics.length() + "-character scrape");
    }

    @Test
    void headAnswersAsGetWithoutTheBody() throws Exception {
        for (String path : List.of("/", "/health", "/model", "/page.js", "/page.css", "/no-such-page")) {
            Answer get = raw(server.port(), "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            Answer head = raw(server.port(), "HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertEquals(get.status(), head.status(), path);
            assertEquals(get.header("content-type"), head.header("content-type"), path);
            // HEAD carries GET's headers: its Content-Length, or none where GET's body went chunked (past Jetty's 8 kB buffer)
            assertEquals(get.header("content-length"), head.header("content-length"), path);
            assertEquals(get.header("transfer-encoding"), head.header("transfer-encoding"), path);
            if (!get.header("content-length").isEmpty()) {
                assertEquals(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length), get.header("content-length"), path);
            }
            assertEquals("", head.body(), path);
        }
        String metrics = raw(server.port(), "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").body();
        assertTrue(metrics.contains("method=\"HEAD\",path=\"/health\",status=\"200\""), "HEAD counted as itself");
    }

    @Test
    void onlyLoopbackHostNamesAreAnsweredUnlessOthersAreAllowed() throws Exception {
        int port = server.port();
        for (String host : List.of("localhost", "localhost:" + port, "LOCALHOST.", "app.localhost:1", "127.0.0.1", "127.1.2.3:80",
                "[::1]", "[::1]:" + port)) {
            assertEquals(200, raw(port, "GET /model HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").status(), host);
        }
        Random random = new Random(11);
        List<String> foreign = new ArrayList<>(List.of("evil.example", "127.0.0.1.evil.example", "localhost.evil.example",
                "192.168.1.20:" + port, "[::2]", "0.0.0.0", "10.0.0.1", "attacker.test:" + port));
        for (int i = 0; i < 20; i++) {
            foreign.add(Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + ".example:" + random.nextInt(65_536));
        }
        for (String host : foreign) {
            Answer a = raw(port, "GET /model HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertJsonError(a, 421, "does not answer to Host");
            assertFalse(a.body().contains("\"run\""), a.body());
        }
        ServerSettings bracketed = new ServerSettings("[::1]", 0, 8, 16, 1 << 20, 4_000_000, false);
        assertEquals("::1", bracketed.host(), "--host [::1], as written in URLs, is the address ::1");
        try (PredictionServer six = PredictionServer.start(model, bracketed)) { // the CI machines have IPv6 loopback
            assertEquals("http://[::1]:" + six.port() + "/", six.url());
        }
        try (PredictionServer open = PredictionServer.start(model, new ServerSettings("127.0.0.1", 0, 8, 16, 1 << 20,
                4_000_000, false, List.of("digits.example", "Other.Example")))) {
            assertEquals(200, raw(open.port(), "GET /health HTTP/1.1\r\nHost: digits.example:8080\r\nConnection: close\r\n\r\n").status());
            assertEquals(200, raw(open.port(), "GET /health HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n").status());
            assertEquals(200, raw(open.port(), "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").status());
            assertEquals(421, raw(open.port(), "GET /health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").status());
        }
        try (PredictionServer any = PredictionServer.start(model, new ServerSettings("127.0.0.1", 0, 8, 16, 1 << 20,
                4_000_000, false, List.of("*")))) {
            assertEquals(200, raw(any.port(), "GET /health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").status());
        }
    }

    @Test
    void noAbsolutePathIsPublished() throws Exception {
        String folder = ServedModel.file().toAbsolutePath().getParent().toString();
        for (String path : List.of("/model", "/health")) {
            Answer a = raw(server.port(), "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertEquals(200, a.status());
            assertFalse(a.body().contains(folder), a.body());
            assertFalse(a.body().contains(System.getProperty("user.home") + "/"), a.body());
        }
        JsonNode run = JSON.readTree(raw(server.port(), "GET /model HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").body()).get("run");
        assertTrue(run.get("command").asText().contains("-o model.zip"), run.toString()); // the name stays, the folder goes
        assertEquals("convnet train -o model.zip --data mnist x=data", PublicPaths.strip("convnet train -o /home/ana/m/model.zip --data /srv/data/mnist/ x=/data"));
        assertEquals("convnet import b.h5 -ob.zip -d~", PublicPaths.strip("convnet import b.h5 -o/home/ana/leak/b.zip -d~"));
        assertEquals("convnet train -vob.zip", PublicPaths.strip("convnet train -vo/home/ana/b.zip"), "clustered short options");
        assertEquals("convnet train -o 'm 1.zip' --data x", PublicPaths.strip("convnet train -o '/home/Ana Smith/m 1.zip' --data /d/x"),
                "a quoted path with spaces");
        assertEquals("convnet train --run-name=a-b/c", PublicPaths.strip("convnet train --run-name=a-b/c"), "a relative path is left");
        assertEquals(Map.of("a", List.of("b.zip", "relative/c.zip")), PublicPaths.strip((Object) Map.of("a", List.of("/x/y/b.zip", "relative/c.zip"))));
    }

    @Test
    void explainTakesYesOrNoAndNothingElse() throws Exception {
        Map<String, Boolean> values = new LinkedHashMap<>();
        for (String yes : List.of("true", "TRUE", "1", "yes", "Yes", "on", "")) {
            values.put(yes, true);
        }
        for (String no : List.of("false", "False", "0", "no", "off")) {
            values.put(no, false);
        }
        for (Map.Entry<String, Boolean> v : values.entrySet()) {
            Answer a = post(server.port(), "/predict?explain=" + v.getKey(), "image/png", digit);
            assertEquals(200, a.status(), v.getKey() + ": " + a.text());
            assertEquals(v.getValue(), JSON.readTree(a.body()).has("probabilities"), "explain=" + v.getKey());
        }
        assertFalse(JSON.readTree(post(server.port(), "/predict", "image/png", digit).body()).has("probabilities"));
        Random random = new Random(5);
        assertJsonError(post(server.port(), "/predict?explain=true&explain=false", "image/png", digit), 400,
                "?explain is given more than once, as yes and as no");
        assertTrue(JSON.readTree(post(server.port(), "/predict?explain=1&explain=yes", "image/png", digit).body()).has("probabilities"),
                "the same value twice is that value");
        for (int i = 0; i < 10; i++) {
            String junk = Long.toString(random.nextLong() & Long.MAX_VALUE, 36).substring(0, 2 + random.nextInt(6)) + "x";
            assertJsonError(post(server.port(), "/predict?explain=" + junk, "image/png", digit), 400, "is not a yes/no value");
        }
    }

    @Test
    void overLongPartHeadersAreSaidToBeThatNotATooLargeBody() throws Exception {
        for (int length : new int[] {9_000, 50_000, 200_000}) {
            String part = "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + "a".repeat(length)
                    + ".png\"\r\nContent-Type: image/png\r\n\r\nxxxx\r\n--b--\r\n";
            Answer a = post(server.port(), "/predict", "multipart/form-data; boundary=b", part.getBytes(StandardCharsets.US_ASCII));
            assertJsonError(a, 400, "a part's headers are too long");
        }
    }

    /** Parts without a name (none at all, or only a filename), before or after a good 'image' part. */
    @Test
    void aPartWithoutANameIsSaidToBeThat() throws Exception {
        for (String disposition : List.of("", "Content-Disposition: form-data; filename=\"a.png\"\r\n")) {
            for (boolean goodFirst : new boolean[] {false, true}) {
                String nameless = "--b\r\n" + disposition + "Content-Type: image/png\r\n\r\nxxxx\r\n";
                String good = "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"d.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\nyyyy\r\n";
                String body = (goodFirst ? good + nameless : nameless + good) + "--b--\r\n";
                Answer a = post(server.port(), "/predict", "multipart/form-data; boundary=b", body.getBytes(StandardCharsets.US_ASCII));
                assertJsonError(a, 400, "a part of the multipart/form-data body has no name; send each picture as a part named 'image'");
                assertFalse(a.body().contains("Exception") || a.body().contains("Cannot invoke"), a.body());
            }
        }
    }

    /**
     * 1,100 connections that send nothing (one client): /health still answers at once; at a limit of
     * 1,000 it waited 11 s. Client and server share this process's descriptors, so a machine with a
     * low {@code ulimit -n} (a smaller limit) gets fewer, still below the limit.
     */
    @Test
    void idleConnectionsDoNotHoldHealthBack() throws Exception {
        int count = Math.min(1_100, PredictionServer.MAX_CONNECTIONS - 200);
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                idle.add(new Socket("127.0.0.1", server.port()));
            }
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                Answer health = raw(server.port(), "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertEquals(200, health.status(), health.text());
                assertTrue(System.nanoTime() - t < 2_000_000_000L, "/health took " + (System.nanoTime() - t) / 1e9 + " s");
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    @Test
    void slowClientsAreCutOffWhileHealthKeepsAnswering() throws Exception {
        try (PredictionServer guarded = PredictionServer.start(model, ServerSettings.defaults(0), SHORT)) {
            int port = guarded.port();
            List<Socket> trickles = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                            + "Content-Length: 100000\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
                    trickles.add(s);
                }
                long end = System.nanoTime() + 6_000_000_000L;
                int checks = 0;
                while (System.nanoTime() < end) {
                    for (Socket s : trickles) {
                        try {
                            s.getOutputStream().write('x');
                        } catch (IOException closed) {
                            // the server gave up on it: what it should do
                        }
                    }
                    long t = System.nanoTime();
                    Answer health = raw(port, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    assertEquals(200, health.status(), health.text());
                    assertTrue(System.nanoTime() - t < 2_000_000_000L, "/health took " + (System.nanoTime() - t) / 1e9 + " s");
                    checks++;
                    Thread.sleep(500);
                }
                assertTrue(checks >= 6, checks + " health checks");
                // every trickling body has been answered 408 or closed by now (deadline 3 s, the oldest began 6 s ago)
                int answered408 = 0;
                for (Socket s : trickles) {
                    Answer a = readAnswer(s, 3_000);
                    // 408: its body came too slowly; 503: it waited its whole deadline for a turn; -1: closed
                    assertTrue(a.status() == 408 || a.status() == 503 || a.status() == -1, a.text());
                    answered408 += a.status() == 408 ? 1 : 0;
                }
                assertTrue(answered408 > 0, "no 408 at all");
            } finally {
                for (Socket s : trickles) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aChunkedBodyWithLongPausesIsClosedAfterTheIdleTimeout() throws Exception {
        try (PredictionServer guarded = PredictionServer.start(model, ServerSettings.defaults(0), SHORT);
             Socket s = new Socket("127.0.0.1", guarded.port())) {
            s.getOutputStream().write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n").getBytes(StandardCharsets.US_ASCII));
            long t = System.nanoTime();
            Answer a = readAnswer(s, 10_000); // a byte every 20 s would come far later than this
            double seconds = (System.nanoTime() - t) / 1e9;
            assertTrue(a.status() == 408 || a.status() == -1, a.text());
            assertTrue(seconds < 5, seconds + " s");
        }
    }

    @Test
    void aBodyFastEnoughForTheRateButTooLongForTheDeadlineGets408() throws Exception {
        // no minimum rate here: only the total deadline (3 s) can stop a byte every 0.3 s
        ServerTimeouts deadlineOnly = new ServerTimeouts(1_500, 0, 1_000, 1_500, 3_000, 10_000);
        try (PredictionServer guarded = PredictionServer.start(model, ServerSettings.defaults(0), deadlineOnly);
             Socket s = new Socket("127.0.0.1", guarded.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                    + digit.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long t = System.nanoTime();
            s.setSoTimeout(300);
            Answer a = null;
            for (int i = 0; i < digit.length - 1 && a == null; i++) {
                try {
                    out.write(digit[i]);
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                try {
                    a = Answer.parse(readSome(s.getInputStream()));
                } catch (SocketTimeoutException quiet) {
                    // nothing yet: send the next byte
                }
            }
            if (a == null) {
                a = readAnswer(s, 5_000);
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            assertEquals(408, a.status(), a.text());
            assertTrue(a.body().contains("request body too slow"), a.body());
            assertTrue(seconds > 2.5 && seconds < 6, seconds + " s");
        }
    }

    @Test
    void aSmallBodyWithAShortPauseIsStillAnswered() throws Exception {
        try (PredictionServer guarded = PredictionServer.start(model, ServerSettings.defaults(0), SHORT);
             Socket s = new Socket("127.0.0.1", guarded.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                    + digit.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(digit, 0, 40);
            out.flush();
            Thread.sleep(700); // 40 bytes in 0.7 s is under 1 kB/s, but within the grace
            out.write(digit, 40, digit.length - 40);
            out.flush();
            Answer a = readAnswer(s, 10_000);
            assertEquals(200, a.status(), a.text());
        }
    }

    @Test
    void headersTrickledAByteAtATimeAreClosed() throws Exception {
        try (PredictionServer guarded = PredictionServer.start(model, ServerSettings.defaults(0), SHORT);
             Socket s = new Socket("127.0.0.1", guarded.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // one ordinary request first
            s.setSoTimeout(5_000);
            Answer first = Answer.parse(readSome(s.getInputStream()));
            assertEquals(200, first.status(), first.text());
            out.write("GET /health HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            long t = System.nanoTime();
            boolean closed = false;
            s.setSoTimeout(250);
            while (!closed && System.nanoTime() - t < 10_000_000_000L) {
                try {
                    out.write('a'); // under the idle timeout: a byte every 0.25 s
                    out.flush();
                    closed = s.getInputStream().read() == -1;
                } catch (SocketTimeoutException quiet) {
                    // still open
                } catch (IOException reset) {
                    closed = true;
                }
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            assertTrue(closed, "still open after " + seconds + " s");
            assertTrue(seconds < 4, seconds + " s");
        }
    }

    // --- helpers

    /** A method no server knows: 3 to 12 characters, upper-case letters mostly, as a scanner sends. */
    private static String inventedMethod(Random random) {
        StringBuilder b = new StringBuilder();
        int n = 3 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            b.append((char) ('A' + random.nextInt(26)));
        }
        String m = b.toString();
        return FrontDoor.METHODS.contains(m) ? m + "X" : m;
    }

    private static Set<String> labelValues(String metrics, String label) {
        Set<String> values = new HashSet<>();
        Matcher m = Pattern.compile(label + "=\"([^\"]*)\"").matcher(metrics);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static Set<String> without(Set<String> set, String value) {
        Set<String> copy = new HashSet<>(set);
        copy.remove(value);
        return copy;
    }

    public static void assertJsonError(Answer a, int status, String text) throws IOException {
        assertEquals(status, a.status(), a.text());
        assertTrue(a.header("content-type").startsWith("application/json"), a.text());
        JsonNode error = JSON.readTree(a.body()).get("error");
        assertTrue(error != null && error.isTextual() && error.asText().contains(text), a.text());
        assertFalse(a.body().contains("Exception") || a.body().contains("\tat "), a.body());
    }

    public static Answer post(int port, String path, String type, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type + "\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (java.net.SocketException early) {
                // the server answered (413) and closed before the whole body went out, as it may: read its answer
            }
            return Answer.parse(readAll(s.getInputStream()));
        }
    }

    static Answer raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return Answer.parse(readAll(s.getInputStream()));
        }
    }

    /** The answer on a socket within {@code millis}; status -1 when the server closed it without one. */
    private static Answer readAnswer(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            return Answer.parse(readAll(s.getInputStream()));
        } catch (IOException reset) {
            return new Answer(-1, Map.of(), "", "connection reset");
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }

    /** What has arrived so far, waiting at most the socket's timeout for the first byte (throws when nothing came). */
    private static byte[] readSome(InputStream in) throws IOException {
        byte[] buffer = new byte[65_536];
        int n = in.read(buffer);
        if (n < 0) {
            return new byte[0];
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(buffer, 0, n);
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (in.available() > 0 && (n = in.read(buffer)) > 0) {
            b.write(buffer, 0, n);
        }
        return b.toByteArray();
    }

    public record Answer(int status, Map<String, String> headers, String body, String text) {
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        static Answer parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 ")) {
                return new Answer(-1, Map.of(), "", text);
            }
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), headers, end < 0 ? "" : text.substring(end + 4), text);
        }
    }

}
