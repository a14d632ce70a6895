package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.TestData;
import dev.convnet.app.LoadedModel;
import dev.convnet.app.SavedModels;
import dev.convnet.cli.InProcessCli;
import dev.convnet.data.Dataset;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.engine.Engine;
import dev.convnet.model.ModelStore;
import dev.convnet.picture.DigitPreparation;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a client meets it: a real model on a real port, called over real HTTP. */
class PredictionServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int DIGITS = 60;

    /** The model opened on the test's own thread, to compare the server's answers with. */
    private static PredictorClassifier classifier;
    private static ModelSource source;
    private static PredictionServer server;
    private static LabeledImages test;

    @BeforeAll
    static void start() {
        Path model = ServedModel.file();
        LoadedModel loaded = new SavedModels(new ModelStore()).load(model);
        classifier = PredictorClassifier.open(loaded, Engine.AUTO, 64);
        source = PredictorClassifier.source(loaded, Engine.AUTO);
        server = PredictionServer.start(source, new ServerSettings("127.0.0.1", 0, 64, 256, 1 << 20, 4_000_000, false));
        test = ServedModel.testImages(DIGITS);
    }

    @AfterAll
    static void stop() {
        server.close();
        classifier.close();
    }

    @Test
    void realTestDigitsGetTheModelsOwnAnswer() throws Exception {
        int correct = 0;
        for (int i = 0; i < DIGITS; i++) {
            float[] pixels = ServedModel.pixels(test, i);
            Response r = post("/predict", "image/png", ServedModel.png(pixels));
            assertEquals(200, r.status(), r.body());
            JsonNode answer = r.json();
            // convnet predict's preparation, then the model, without the server in between
            float[] direct = classifier.classify(new DigitPreparation().prepare(ServedModel.png(pixels)).input(), 1)[0];
            assertEquals(argmax(direct), answer.get("class").asInt(), "test image " + i);
            assertEquals(String.valueOf(argmax(direct)), answer.get("label").asText());
            assertEquals(direct[argmax(direct)], answer.get("probability").floatValue(), 1e-4);
            assertEquals(3, answer.get("top").size());
            assertEquals(answer.get("class"), answer.get("top").get(0).get("class"));
            correct += answer.get("class").asInt() == test.classes()[i] ? 1 : 0;
        }
        assertTrue(correct >= 0.8 * DIGITS, correct + " of " + DIGITS + " right");
    }

    @Test
    void picturesLargeOffCentreAndInOtherColoursReadLikeTheOriginalDigit() throws Exception {
        int compared = 0;
        int agreed = 0;
        for (int i = 0; i < DIGITS; i++) {
            float[] original = ServedModel.pixels(test, i);
            float[] direct = servedProbabilities(ServedModel.png(original)); // the 28x28 original, prepared the same way
            if (direct[argmax(direct)] < 0.9f) {
                continue; // only digits the model is sure of: the question is the preparation, not the model
            }
            List<byte[]> pictures = List.of(
                    ServedModel.encode(TestData.darkInkOnWhite(original, 12, 300 + 5 * i, 40 + 2 * i, new Color(250, 246, 235)), "png"),
                    ServedModel.encode(TestData.darkInkOnWhite(original, 6, 20, 150, new Color(255, 220, 120)), "jpg"),
                    ServedModel.encode(lightInkOnColour(original, 9, new Color(120, 20, 40), new Color(255, 240, 90)), "png"),
                    ServedModel.encode(TestData.darkInkOnWhite(original, 3, 90, 7, Color.WHITE), "bmp"));
            for (byte[] picture : pictures) {
                Response r = post("/predict", "application/octet-stream", picture);
                assertEquals(200, r.status(), r.body());
                float[] prepared = new DigitPreparation().prepare(picture).input();
                assertEquals(argmax(classifier.classify(prepared, 1)[0]), r.json().get("class").asInt(), "as convnet predict");
                agreed += r.json().get("class").asInt() == argmax(direct) ? 1 : 0;
                compared++;
            }
        }
        // a model trained on a small subset is not sure of every re-drawn digit; the preparation must still agree nearly always
        assertTrue(compared >= 80, "compared " + compared);
        assertTrue(agreed >= 0.9 * compared, agreed + " of " + compared + " pictures read as the original digit");
    }

    @Test
    void multipartImagesAreAnsweredInOrder() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            images.add(ServedModel.png(ServedModel.pixels(test, i)));
        }
        String boundary = "convnet-test-boundary";
        Response r = post("/predict", "multipart/form-data; boundary=" + boundary, multipart(boundary, images));
        assertEquals(200, r.status(), r.body());
        JsonNode answers = r.json();
        assertEquals(5, answers.size());
        for (int i = 0; i < 5; i++) {
            JsonNode single = post("/predict", "image/png", images.get(i)).json();
            assertEquals(single.get("class"), answers.get(i).get("class"), "part " + i);
            assertEquals(single.get("probability").floatValue(), answers.get(i).get("probability").floatValue(), 1e-4);
        }

        // a bad picture among good ones is answered in its place; the others keep their predictions
        List<byte[]> mixed = List.of(images.get(0), ServedModel.png(new float[784]), "not a picture".getBytes(StandardCharsets.UTF_8),
                images.get(1));
        Response partly = post("/predict", "multipart/form-data; boundary=" + boundary, multipart(boundary, mixed));
        assertEquals(200, partly.status(), partly.body());
        JsonNode slots = partly.json();
        assertEquals(4, slots.size(), partly.body());
        assertEquals(answers.get(0).get("class"), slots.get(0).get("class"));
        assertEquals(422, slots.get(1).get("status").asInt(), partly.body());
        assertTrue(slots.get(1).get("error").asText().startsWith("no digit found"), partly.body());
        assertEquals(400, slots.get(2).get("status").asInt(), partly.body());
        assertTrue(slots.get(2).get("error").asText().startsWith("not an image"), partly.body());
        assertEquals(answers.get(1).get("class"), slots.get(3).get("class"));
        assertFalse(slots.get(3).has("error"));
    }

    @Test
    void explainReturnsEveryProbabilityAndThePreparedInput() throws Exception {
        float[] pixels = ServedModel.pixels(test, 0);
        JsonNode answer = post("/predict?explain=1", "image/png", ServedModel.png(pixels)).json();
        JsonNode p = answer.get("probabilities");
        assertEquals(10, p.size());
        double sum = 0;
        for (JsonNode v : p) {
            sum += v.asDouble();
        }
        assertEquals(1.0, sum, 1e-3);
        JsonNode input = answer.get("input");
        assertEquals(784, input.size());
        int lit = 0;
        for (JsonNode v : input) {
            assertTrue(v.asInt() >= 0 && v.asInt() <= 255);
            lit += v.asInt() > 0 ? 1 : 0;
        }
        assertTrue(lit > 50 && lit < 400, lit + " lit pixels");
        assertFalse(post("/predict", "image/png", ServedModel.png(pixels)).json().has("input"), "only on request");
    }

    @Test
    void everyBadRequestGetsItsStatusAndAOneLineJsonError() throws Exception {
        byte[] digit = ServedModel.png(ServedModel.pixels(test, 0));
        assertError(post("/predict", "image/png", "hello, I am not a picture".getBytes(StandardCharsets.UTF_8)), 400, "not an image: the body is neither a PNG, JPEG, GIF nor BMP picture; send the picture's bytes as they are");
        assertError(post("/predict", "image/png", Arrays.copyOf(digit, digit.length / 2)), 400, "damaged PNG image");
        assertError(post("/predict", "image/png", new byte[0]), 400, "empty body");
        assertError(post("/predict", "image/png", ServedModel.png(new float[784])), 422, "no digit found");
        assertError(post("/predict", "image/tiff", new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0}), 400, "a TIFF image");
        assertEquals(200, post("/predict", "application/json", digit).status(), "a picture under a JSON type is still a picture");
        assertError(post("/predict", "application/json", "{\"image\": NaN}".getBytes(StandardCharsets.UTF_8)), 400,
                "malformed JSON body (NaN and Infinity are not JSON numbers");
        assertError(post("/predict", "multipart/form-data; boundary=b", multipart("b", List.of())), 400, "no 'image' part");
        assertError(post("/predict", "image/png", new byte[(1 << 20) + 1]), 413, "request body too large");
        assertError(postStreamed("/predict", "image/png", new byte[(1 << 20) + 4096]), 413, "request body too large");
        assertError(postStreamed("/predict", "multipart/form-data; boundary=b",
                multipart("b", List.of(new byte[(1 << 20) + 4096]))), 413, "request body too large");
        assertError(post("/predict", "multipart/form-data", digit), 400, "malformed multipart/form-data body");
        assertError(post("/predict", "multipart/form-data; boundary=elsewhere", digit), 400, "malformed multipart/form-data body");
        byte[] huge = hugePng(20_000, 20_000);
        assertTrue(huge.length < 1 << 20, "a " + huge.length + "-byte file");
        assertError(post("/predict", "image/png", huge), 413, "20,000 x 20,000 pixels");
        assertError(send(HttpRequest.newBuilder(uri("/predict")).GET()), 405, "GET is not allowed on /predict");
        assertError(send(HttpRequest.newBuilder(uri("/model")).DELETE()), 405, "DELETE is not allowed on /model");
        String refused = rawRequest("GET /predict HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 405") && refused.contains("\r\nAllow: POST\r\n"), refused); // RFC 9110, 15.5.6
        assertError(send(HttpRequest.newBuilder(uri("/predict/now")).GET()), 404, "no such path");
        assertError(send(HttpRequest.newBuilder(uri("/etc/passwd")).GET()), 404, "no such path");
        String raw = rawRequest("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Length: seven\r\nConnection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
        assertTrue(raw.contains("Content-Type: application/json") && raw.endsWith("{\"error\":\"malformed request: Invalid Content-Length Value\"}"), raw);
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i <= ServerSettings.MAX_IMAGES_PER_REQUEST; i++) {
            many.add(digit);
        }
        assertError(post("/predict", "multipart/form-data; boundary=b", multipart("b", many)), 413, "too many images: 101");
        // and it keeps serving
        assertEquals(200, post("/predict", "image/png", digit).status());
    }

    @Test
    void aCharsetJavaDoesNotKnowIs415NamingItCountedUnderItsRoute() throws Exception {
        byte[] digit = ServedModel.png(ServedModel.pixels(test, 0));
        byte[] form = ("image=" + java.net.URLEncoder.encode("data:image/png;base64,"
                + java.util.Base64.getEncoder().encodeToString(digit), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        String[][] sent = {
            {"image/png; charset=bogus", "bogus"},
            {"application/octet-stream; charset=x-unknown", "x-unknown"},
            {"text/plain; charset=ebcdic-xyz", "ebcdic-xyz"},
            {"application/json; charset=bogus", "bogus"},
            {"application/x-www-form-urlencoded; charset=bogus", "bogus"},
            {"multipart/form-data; boundary=b; charset=bogus", "bogus"},
            {"image/png; charset=\"??\"", "??"}, // not even a legal name: IllegalCharsetNameException
        };
        for (String[] c : sent) {
            byte[] body = c[0].startsWith("multipart") ? multipart("b", List.of(digit)) : c[0].contains("form") ? form : digit;
            assertError(post("/predict", c[0], body), 415, "unknown charset '" + c[1] + "' in the Content-Type; send the text as UTF-8");
            assertError(post("/predict?explain=true", c[0], body), 415, "unknown charset '" + c[1] + "'");
        }
        assertError(post("/v2/models/model/infer", "application/json; charset=bogus", "{}".getBytes(StandardCharsets.UTF_8)), 415,
                "unknown charset 'bogus'");
        // a text part of a multipart body may name one too
        byte[] textPart = ("--b\r\nContent-Disposition: form-data; name=\"image\"\r\nContent-Type: text/plain; charset=bogus\r\n\r\n"
                + java.util.Base64.getEncoder().encodeToString(digit) + "\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
        assertError(post("/predict", "multipart/form-data; boundary=b", textPart), 415,
                "unknown charset 'bogus' in a part of the multipart/form-data body");
        // the charsets Java knows still work, and the refusals are counted as what they are
        assertEquals(200, post("/predict", "image/png; charset=utf-8", digit).status());
        assertEquals(200, post("/predict", "application/x-www-form-urlencoded; charset=ISO-8859-1", form).status());
        String metrics = send(HttpRequest.newBuilder(uri("/metrics")).GET()).body();
        assertTrue(count(metrics, "convnet_http_requests_seconds_count{method=\"POST\",path=\"/predict\",status=\"415\"}")
                >= 2 * sent.length + 1, metrics);
        assertTrue(count(metrics, "convnet_http_requests_seconds_count{method=\"POST\",path=\"/v2/models/{name}/infer\",status=\"415\"}")
                >= 1, metrics);
        assertFalse(metrics.contains("status=\"500\""), metrics);
    }

    /** The value of a metric's line, 0 when it has none. */
    private static double count(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElse(0);
    }

    @Test
    void aFashionMnistModelAnswersWithItsClassNames(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("fashion.zip");
        InProcessCli.Run train = InProcessCli.run("train", "--dataset", "fashion-mnist", "--data", TestData.fashion().toString(),
                "--limit", "500", "--epochs", "1", "--seed", "5", "-o", model.toString());
        assertEquals(0, train.exit(), train.err());
        LabeledImages clothes = new MnistLoader(TestData.fashion()).load(Split.TEST, 3);
        try (PredictionServer served = PredictionServer.start(
                PredictorClassifier.source(new SavedModels(new ModelStore()).load(model), Engine.AUTO), ServerSettings.defaults(0))) {
            URI base = URI.create("http://127.0.0.1:" + served.port());
            // the server's own start-up request to /health is no client's: a fresh server has counted none
            String fresh = send(HttpRequest.newBuilder(base.resolve("/metrics")).GET()).body();
            assertFalse(fresh.contains("path=\"/health\""), fresh);
            JsonNode info = send(HttpRequest.newBuilder(base.resolve("/model")).GET()).json();
            assertEquals("fashion-mnist", info.get("dataset").asText());
            assertEquals(Dataset.FASHION_MNIST.classNames().get(9), info.get("class_names").get(9).asText());
            for (int i = 0; i < clothes.size(); i++) {
                JsonNode answer = JSON.readTree(post(base.resolve("/predict"), ServedModel.png(ServedModel.pixels(clothes, i))).body());
                int c = answer.get("class").asInt();
                assertEquals(Dataset.FASHION_MNIST.classNames().get(c), answer.get("label").asText());
                for (JsonNode t : answer.get("top")) {
                    assertEquals(Dataset.FASHION_MNIST.classNames().get(t.get("class").asInt()), t.get("label").asText());
                }
            }
        }
    }

    @Test
    void healthModelPageAndMetrics() throws Exception {
        Response health = send(HttpRequest.newBuilder(uri("/health")).GET());
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());

        JsonNode model = send(HttpRequest.newBuilder(uri("/model")).GET()).json();
        assertEquals("mnist", model.get("dataset").asText());
        assertEquals("model.zip", model.get("file").asText());
        assertEquals(104_202, model.get("parameters").asLong());
        assertTrue(model.get("test_accuracy").asDouble() > 0.5);
        assertEquals(ServedModel.EPOCHS, model.get("run").get("epochs").asInt());
        assertEquals(10, model.get("class_names").size());

        Response page = send(HttpRequest.newBuilder(uri("/")).GET());
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<canvas id=\"pad\""), page.body());
        assertEquals(200, send(HttpRequest.newBuilder(uri("/page.js")).GET()).status());
        assertEquals(200, send(HttpRequest.newBuilder(uri("/page.css")).GET()).status());

        post("/predict", "image/png", ServedModel.png(ServedModel.pixels(test, 1)));
        send(HttpRequest.newBuilder(uri("/no-such-page")).GET());
        send(HttpRequest.newBuilder(uri("/predict")).GET()); // 405: a known route, the wrong method
        String metrics = send(HttpRequest.newBuilder(uri("/metrics")).GET()).body();
        assertTrue(metrics.contains("convnet_http_requests_seconds_count{method=\"GET\",path=\"/predict\",status=\"405\"}"), metrics);
        assertTrue(metrics.contains("convnet_http_requests_seconds_count{method=\"POST\",path=\"/predict\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("convnet_http_requests_seconds_bucket{method=\"POST\",path=\"/predict\",status=\"200\",le=\"0.05\"}"), metrics);
        assertTrue(metrics.contains("path=\"other\",status=\"404\""), metrics);
        assertTrue(metrics.contains("convnet_inference_batch_size_count"), metrics);
        // per served model, labelled with its name (the file's, here)
        double passes = sample(metrics, "convnet_inference_seconds_count{model=\"model\"}");
        assertTrue(passes >= 1, metrics); // the prediction's forward pass
        assertEquals(passes, sample(metrics, "convnet_inference_batch_size_count{model=\"model\"}"), metrics);
        assertTrue(sample(metrics, "convnet_inference_seconds_sum{model=\"model\"}") > 0, metrics);
        assertTrue(metrics.contains("convnet_inference_queue_depth"), metrics);
        assertTrue(metrics.contains("convnet_images_predicted_total"), metrics);
    }

    /** The value of a sample ({@code name{labels}} as written) in Prometheus' text format. */
    private static double sample(String metrics, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name) + " (\\S+)$")
                .matcher(metrics);
        assertTrue(m.find(), name + " in " + metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void hundredsOfConcurrentRequestsAllGetTheSingleRequestAnswer() throws Exception {
        int distinct = 24;
        List<byte[]> images = new ArrayList<>();
        List<JsonNode> single = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            images.add(ServedModel.png(ServedModel.pixels(test, i)));
            single.add(post("/predict", "image/png", images.get(i)).json());
        }
        int threads = 32;
        int requests = 480;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int n = 0; n < requests; n++) {
                byte[] image = images.get(n % distinct);
                answers.add(pool.submit(() -> {
                    go.await();
                    return post("/predict", "image/png", image);
                }));
            }
            go.countDown();
            for (int n = 0; n < requests; n++) {
                Response r = answers.get(n).get(60, TimeUnit.SECONDS);
                assertEquals(200, r.status(), r.body());
                JsonNode expected = single.get(n % distinct);
                assertEquals(expected.get("class"), r.json().get("class"), "request " + n);
                assertEquals(expected.get("probability").floatValue(), r.json().get("probability").floatValue(), 1e-4, "request " + n);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndTheQueuedRequestsStillSucceed() throws Exception {
        GatedClassifier gated = new GatedClassifier(source);
        try (PredictionServer small = PredictionServer.start(gated,
                new ServerSettings("127.0.0.1", 0, 1, 2, 1 << 20, 4_000_000, false))) {
            gated.shut();
            byte[] digit = ServedModel.png(ServedModel.pixels(test, 0));
            URI predict = URI.create("http://127.0.0.1:" + small.port() + "/predict");
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Response>> waiting = new ArrayList<>();
                waiting.add(pool.submit(() -> post(predict, digit)));
                gated.awaitWorkerInside(); // the worker holds image 1; the queue (2) is empty
                waiting.add(pool.submit(() -> post(predict, digit)));
                waiting.add(pool.submit(() -> post(predict, digit)));
                awaitQueued(small.port(), 2);
                Response refused = post(predict, digit);
                assertEquals(503, refused.status(), refused.body());
                assertEquals("1", refused.retryAfter());
                assertTrue(refused.json().get("error").asText().contains("busy"), refused.body());
                gated.open();
                for (Future<Response> f : waiting) {
                    assertEquals(200, f.get(30, TimeUnit.SECONDS).status());
                }
            } finally {
                gated.open();
                pool.shutdownNow();
            }
        }
    }

    // --- helpers

    record Response(int status, String body, String retryAfter) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private static void assertError(Response r, int status, String text) throws IOException {
        assertEquals(status, r.status(), r.body());
        JsonNode error = r.json().get("error");
        assertTrue(error != null && error.isTextual(), r.body());
        assertTrue(error.asText().contains(text), r.body());
        assertFalse(r.body().contains("\n") || r.body().contains("Exception") || r.body().contains("at dev."), r.body());
    }

    /** What the server answers to bytes no HTTP client library would send. */
    private static String rawRequest(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static Response post(String path, String type, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static Response post(URI uri, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A body without Content-Length (chunked), so only the server's reading can notice its size. */
    private static Response postStreamed(String path, String type, byte[] body) throws Exception {
        // A client of its own: the server may close the connection rather than read the rest of a body it refused.
        HttpClient once = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = once.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .timeout(java.time.Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
    }

    private static Response send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = HTTP.send(request.timeout(java.time.Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
    }

    private static void awaitQueued(int port, int depth) throws Exception {
        for (int i = 0; i < 500; i++) {
            String metrics = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET()).body();
            if (metrics.contains("convnet_inference_queue_depth " + depth + ".0")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the queue never held " + depth + " images");
    }

    private static byte[] multipart(String boundary, List<byte[]> images) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < images.size(); i++) {
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"digit" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(images.get(i));
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (images.isEmpty()) {
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** A valid, all-black greyscale PNG of {@code w}x{@code h}: tiny on disk, {@code w*h} bytes once decoded. */
    private static byte[] hugePng(int w, int h) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(file);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream ihdr = new DataOutputStream(header);
        ihdr.writeInt(w);
        ihdr.writeInt(h);
        ihdr.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit greyscale
        chunk(out, "IHDR", header.toByteArray());
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION))) {
            byte[] row = new byte[w + 1];
            for (int y = 0; y < h; y++) {
                z.write(row);
            }
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return file.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    private static BufferedImage lightInkOnColour(float[] digit, int scale, Color paper, Color inkColour) {
        BufferedImage photo = new BufferedImage(28 * scale + 80, 28 * scale + 30, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                int dx = (x - 60) / scale;
                int dy = (y - 10) / scale;
                float v = x >= 60 && y >= 10 && dx < 28 && dy < 28 ? digit[dy * 28 + dx] : 0;
                int r = Math.round(paper.getRed() * (1 - v) + inkColour.getRed() * v);
                int g = Math.round(paper.getGreen() * (1 - v) + inkColour.getGreen() * v);
                int b = Math.round(paper.getBlue() * (1 - v) + inkColour.getBlue() * v);
                photo.setRGB(x, y, 0xFF000000 | (r << 16) | (g << 8) | b);
            }
        }
        return photo;
    }

    private static float[] servedProbabilities(byte[] image) throws Exception {
        JsonNode p = post("/predict?explain=1", "image/png", image).json().get("probabilities");
        float[] out = new float[p.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.get(i).floatValue();
        }
        return out;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The real model, opened with a gate the test holds shut to keep the inference worker busy. */
    private static final class GatedClassifier implements ModelSource {
        private final ModelSource real;
        private final CountDownLatch inside = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private volatile boolean shut; // open while the worker warms up, before the server starts

        GatedClassifier(ModelSource real) {
            this.real = real;
        }

        @Override
        public Path file() {
            return real.file();
        }

        @Override
        public Classifier open(int maxBatch) {
            Classifier opened = real.open(maxBatch);
            return new Classifier() {
                @Override
                public float[][] classify(float[] pixels, int count) {
                    if (shut) {
                        inside.countDown();
                        try {
                            gate.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return opened.classify(pixels, count);
                }

                @Override
                public ModelInfo info() {
                    return opened.info();
                }

                @Override
                public void close() {
                    opened.close();
                }
            };
        }

        void shut() {
            shut = true;
        }

        void awaitWorkerInside() throws InterruptedException {
            assertTrue(inside.await(30, TimeUnit.SECONDS), "the worker never took the first image");
        }

        void open() {
            gate.countDown();
        }
    }
}
