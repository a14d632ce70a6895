package dev.convnet.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live page's server on a real port: the page, earlier runs, the event stream and Stop. */
class LiveServerIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void thePageIsSelfContained() throws Exception {
        try (LiveServer server = LiveServer.start(tmp.resolve("model.zip"), 0, () -> { })) {
            HttpResponse<String> page = get(server.url());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("EventSource(\"events\")"));
            // no CDN, no font or script from elsewhere: every src and href is relative or data:
            assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(page.body()).find(), "outside resource");
            assertFalse(page.body().contains("@import"));
        }
    }

    @Test
    void earlierRunsAreTheHistoryFilesBesideTheModel() throws Exception {
        Files.writeString(tmp.resolve("a.history.csv"), "epoch,loss,accuracy,seconds\n1,0.5,0.8,3.0\n2,0.25,0.9,3.1\n");
        Files.writeString(tmp.resolve("broken.history.csv"), "not,a,history\n\u0000\u0001");
        Files.write(tmp.resolve("huge.history.csv"), new byte[(int) EarlierRuns.MAX_BYTES + 1]);
        // values no run has (a new user's hand-made file): left out, so the axes keep this run's scale
        Files.writeString(tmp.resolve("weird.history.csv"), "epoch,loss,accuracy,seconds\n1,1e308,-5,1\n2,0.3,2,1\n");
        Files.setLastModifiedTime(tmp.resolve("weird.history.csv"), java.nio.file.attribute.FileTime.fromMillis(0)); // listed last
        try (LiveServer server = LiveServer.start(tmp.resolve("model.zip"), 0, () -> { })) {
            JsonNode runs = new ObjectMapper().readTree(get(server.url() + "earlier").body());
            assertEquals(2, runs.size(), runs.toString());
            assertEquals("a", runs.get(0).get("name").asText());
            assertEquals(0.25, runs.get(0).get("epochs").get(1).get("loss").asDouble());
            JsonNode weird = runs.get(1).get("epochs");
            assertEquals("{\"epoch\":1.0,\"seconds\":1.0}", weird.get(0).toString());
            assertEquals("{\"epoch\":2.0,\"loss\":0.3,\"seconds\":1.0}", weird.get(1).toString());
        }
    }

    @Test
    void stopNeedsThePagesHeaderThenClosesOnceTrainingEnded() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        try (LiveServer server = LiveServer.start(tmp.resolve("model.zip"), 0, stops::incrementAndGet)) {
            HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "stop"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, plain.statusCode(), "a form post from another site must not stop the run");
            assertEquals(0, stops.get());
            assertEquals(202, stop(server).statusCode());
            assertEquals(1, stops.get());
            server.trainingEnded();
            assertEquals(200, stop(server).statusCode());
            assertEquals(1, stops.get(), "after training, Stop closes the page instead");
            server.awaitClose(); // returns at once: Close was pressed
        }
    }

    @Test
    void aPageGetsEveryEventFromTheStartThenLiveOnes() throws Exception {
        try (LiveServer server = LiveServer.start(tmp.resolve("model.zip"), 0, () -> { })) {
            server.listener().ended("completed", "replayed");
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "events")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                assertEquals("event: end", next(events, "event:"));
                assertTrue(next(events, "data:").contains("replayed"));
                server.listener().ended("stopped", "live");
                assertEquals("event: end", next(events, "event:"));
                assertTrue(next(events, "data:").contains("\"live\""));
            }
        }
    }

    @Test
    void aFloodOfIdleEventStreamsIsRefusedWhileThePageAndStopKeepAnswering() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        List<Socket> flood = new ArrayList<>();
        try (LiveServer server = LiveServer.start(tmp.resolve("model.zip"), 0, stops::incrementAndGet)) {
            int port = URI.create(server.url()).getPort();
            // connections that never send a request: they hold no thread
            for (int i = 0; i < 200; i++) {
                flood.add(new Socket("127.0.0.1", port));
            }
            // 300 idle event streams, as the tester's flood: those within the cap are open and never read again
            int open = 0;
            int refused = 0;
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket("127.0.0.1", port);
                flood.add(s);
                s.setSoTimeout(60_000);
                s.getOutputStream().write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String head = head(s.getInputStream());
                if (head.startsWith("HTTP/1.1 200")) {
                    assertTrue(head.contains("text/event-stream"), head);
                    open++;
                } else {
                    assertTrue(head.startsWith("HTTP/1.1 503"), head);
                    assertTrue(head.contains("\r\nRetry-After: ") && head.contains("application/json"), head);
                    String body = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // and the server closes it
                    assertTrue(body.startsWith("{\"error\":\"too many event streams open (" + LiveServer.MAX_STREAMS + ")")
                            && body.endsWith("}") && !body.contains("\n"), body);
                    refused++;
                }
            }
            assertEquals(LiveServer.MAX_STREAMS, open);
            assertEquals(300 - LiveServer.MAX_STREAMS, refused);
            // the page, earlier runs and Stop still answer
            assertEquals(200, get(server.url()).statusCode());
            assertEquals(200, get(server.url() + "earlier").statusCode());
            assertEquals(202, stop(server).statusCode());
            assertEquals(1, stops.get());
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    @Test
    void everyErrorIsOneJsonLineSayingWhatToDo() throws Exception {
        try (LiveServer server = LiveServer.start(tmp.resolve("model.zip"), 0, () -> { })) {
            int port = URI.create(server.url()).getPort();
            HttpResponse<String> missing = get(server.url() + "nope");
            assertJsonError(missing, 404, "no such path: /nope (the live page has GET /, GET /events, GET /earlier or POST /stop)");
            HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "earlier"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertJsonError(posted, 405, "POST is not allowed on /earlier; use GET");
            assertEquals("GET, HEAD", posted.headers().firstValue("Allow").orElse(""));
            HttpResponse<String> read = get(server.url() + "stop");
            assertJsonError(read, 405, "GET is not allowed on /stop; use POST");
            assertEquals("POST", read.headers().firstValue("Allow").orElse(""));
            // what no HTTP client library sends: an invented method, a malformed header
            String invented = raw(port, "get / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(invented.startsWith("HTTP/1.1 405") && invented.contains("application/json")
                    && invented.endsWith("{\"error\":\"unknown HTTP method 'get' (methods are case-sensitive); the live page has "
                    + "GET /, GET /events, GET /earlier or POST /stop\"}"), invented);
            String malformed = raw(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\nConnection: close\r\n\r\n");
            assertTrue(malformed.startsWith("HTTP/1.1 400") && malformed.contains("application/json")
                    && malformed.endsWith("{\"error\":\"malformed request: Invalid Content-Length Value\"}"), malformed);
            assertEquals(200, get(server.url()).statusCode(), "and it keeps serving");
        }
    }

    private static void assertJsonError(HttpResponse<String> r, int status, String error) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(error, new ObjectMapper().readTree(r.body()).get("error").asText(), r.body());
        assertFalse(r.body().contains("\n"), r.body());
    }

    /** The whole answer to bytes sent as they are. */
    private static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A response's status line and headers, read up to the blank line after them. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String next(BufferedReader reader, String prefix) throws Exception {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the stream ended before a line starting " + prefix);
    }

    private static HttpResponse<String> stop(LiveServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "stop")).header(LiveServer.STOP_HEADER, "stop")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
