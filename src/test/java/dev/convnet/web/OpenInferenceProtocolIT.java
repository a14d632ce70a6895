package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.convnet.app.LoadedModel;
import dev.convnet.app.SavedModels;
import dev.convnet.cli.InProcessCli;
import dev.convnet.data.LabeledImages;
import dev.convnet.engine.Engine;
import dev.convnet.interop.OnnxWriter;
import dev.convnet.model.ModelStore;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Open Inference Protocol (KServe V2 / Triton HTTP) as a client meets it: a real model, served
 * under two names on a real port, called with java.net.http, checked against the spec's published
 * example ("Predict Protocol - Version 2", Inference Request Examples) and against ONNX Runtime
 * running the exported model on the same tensor.
 */
class OpenInferenceProtocolIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int IMAGES = 8;
    /** The spec's inference request example, verbatim (a model "mymodel" with inputs input0 and input1). */
    private static final String SPEC_EXAMPLE = """
            {
              "id" : "42",
              "inputs" : [
                {
                  "name" : "input0",
                  "shape" : [ 2, 2 ],
                  "datatype" : "UINT32",
                  "data" : [ 1, 2, 3, 4 ]
                },
                {
                  "name" : "input1",
                  "shape" : [ 3 ],
                  "datatype" : "BOOL",
                  "data" : [ true ]
                }
              ],
              "outputs" : [
                {
                  "name" : "output0"
                }
              ]
            }""";

    @TempDir
    static Path tmp;
    /** The first model opened on the test's own thread, to compare the server's answers with. */
    private static Classifier first;
    private static PredictionServer server;
    private static LabeledImages images;
    private static float[] pixels;

    @BeforeAll
    static void start() {
        Path model = ServedModel.file();
        LoadedModel loaded = new SavedModels(new ModelStore()).load(model);
        first = PredictorClassifier.open(loaded, Engine.AUTO, 64);
        server = PredictionServer.start(List.of(new NamedModel("digits", PredictorClassifier.source(loaded, Engine.AUTO)),
                new NamedModel("digits-dl4j", PredictorClassifier.source(new SavedModels(new ModelStore()).load(model), Engine.DL4J))),
                new ServerSettings("127.0.0.1", 0, 64, 256, 1 << 22, 4_000_000, false));
        images = ServedModel.testImages(IMAGES);
        pixels = new float[IMAGES * 784];
        images.pixels().get(0, pixels);
    }

    @AfterAll
    static void stop() {
        server.close();
        first.close();
    }

    @Test
    void healthAnswersWithStatusAndAnEmptyBody() throws Exception {
        for (String path : List.of("v2/health/live", "v2/health/ready", "v2/models/digits/ready",
                "v2/models/digits/versions/1/ready", "v2/models/digits-dl4j/ready")) {
            HttpResponse<String> r = get(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("", r.body(), path);
        }
        assertError(get("v2/models/nope/ready"), 404, "no model named 'nope'; this server has digits, digits-dl4j");
    }

    @Test
    void serverAndModelMetadataFollowTheSpecsSchema() throws Exception {
        JsonNode server = ok(get("v2"));
        assertEquals(Set.of("name", "version", "extensions"), keys(server));
        assertEquals("convnet", server.get("name").asText());
        assertTrue(server.get("extensions").isArray());

        JsonNode model = ok(get("v2/models/digits"));
        assertEquals(Set.of("name", "versions", "platform", "inputs", "outputs", "parameters"), keys(model));
        assertEquals("digits", model.get("name").asText());
        assertEquals("[\"1\"]", model.get("versions").toString());
        assertEquals("{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,1,28,28]}", model.get("inputs").get(0).toString());
        assertEquals("{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,10]}", model.get("outputs").get(0).toString());
        assertEquals(model, ok(get("v2/models/digits/versions/1")));
        assertError(get("v2/models/digits/versions/2"), 404, "model 'digits' has no version '2'; it has version 1");
    }

    @Test
    void theSpecsExampleRequestGetsTheSpecsErrorObject() throws Exception {
        assertError(post("v2/models/mymodel/infer", SPEC_EXAMPLE), 404, "no model named 'mymodel'");
        assertError(post("v2/models/digits/infer", SPEC_EXAMPLE), 400, "\"inputs\" must hold exactly one tensor, named 'input'; got 2");
    }

    @Test
    void theSpecsExampleShapedForThisModelGetsTheSpecsResponseWithTheModelsProbabilities() throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree(SPEC_EXAMPLE);
        ArrayNode inputs = request.putArray("inputs");
        inputs.add(input("FP32", List.of(IMAGES, 1, 28, 28), JSON.valueToTree(pixels)));
        ((ObjectNode) request.get("outputs").get(0)).put("name", "probabilities");
        JsonNode response = ok(post("v2/models/digits/infer", request.toString()));

        assertEquals(Set.of("model_name", "model_version", "id", "outputs"), keys(response));
        assertEquals("digits", response.get("model_name").asText());
        assertEquals("42", response.get("id").asText());
        JsonNode output = response.get("outputs").get(0);
        assertEquals("probabilities", output.get("name").asText());
        assertEquals("FP32", output.get("datatype").asText());
        assertEquals("[" + IMAGES + ",10]", output.get("shape").toString());
        float[][] direct = first.classify(pixels, IMAGES);
        // The same engine and weights; only the batch the server ran may differ (padded to a power
        // of two): ExportIT's 1e-5 bound for two summation orders holds a fortiori.
        assertClose(direct, probabilities(response), 1e-5, "V2 vs the classifier");
    }

    /** Each served model's inference meters are its own series, labelled with its name. */
    @Test
    void inferenceMetricsArePerModel() throws Exception {
        double digitsBefore = metric("convnet_images_predicted_total{model=\"digits\"}");
        double dl4jBefore = metric("convnet_images_predicted_total{model=\"digits-dl4j\"}");
        ok(post("v2/models/digits-dl4j/infer", body(input("FP32", List.of(IMAGES, 784), JSON.valueToTree(pixels)))));
        assertEquals(dl4jBefore + IMAGES, metric("convnet_images_predicted_total{model=\"digits-dl4j\"}"));
        assertEquals(digitsBefore, metric("convnet_images_predicted_total{model=\"digits\"}"));
        assertTrue(metric("convnet_inference_seconds_count{model=\"digits-dl4j\"}") >= 1);
    }

    /** A sample's value in /metrics (Prometheus' text format), 0 when it is not there yet. */
    private static double metric(String sample) throws IOException, InterruptedException {
        String prefix = sample + " ";
        return get("metrics").body().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(0);
    }

    @Test
    void everyAcceptedTensorFormGivesTheSameAnswer() throws Exception {
        float[][] reference = probabilities(ok(post("v2/models/digits/infer",
                body(input("FP32", List.of(IMAGES, 784), JSON.valueToTree(pixels))))));
        float[][][][] nested = new float[IMAGES][1][28][28];
        int[] bytes = new int[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            nested[i / 784][0][i % 784 / 28][i % 28] = pixels[i];
            bytes[i] = Math.round(pixels[i] * 255);
        }
        for (ObjectNode input : List.of(
                input("FP32", List.of(IMAGES, 1, 28, 28), JSON.valueToTree(nested)),
                input("UINT8", List.of(IMAGES, 784), JSON.valueToTree(bytes)),
                input("UINT8", List.of(IMAGES, 1, 28, 28), JSON.valueToTree(bytes)))) {
            // The same pixels as floats (UINT8 k → k / 255f, as MNIST's own pixels); the batches the
            // worker forms may differ in size between requests, hence ExportIT's 1e-5 bound.
            assertClose(reference, probabilities(ok(post("v2/models/digits/infer", body(input)))), 1e-5,
                    input.get("datatype") + " " + input.get("shape"));
        }
        // The second name serves the same file on DL4J's engine: same answer to float rounding.
        assertClose(reference, probabilities(ok(post("v2/models/digits-dl4j/versions/1/infer",
                body(input("FP32", List.of(IMAGES, 784), JSON.valueToTree(pixels)))))), 1e-5, "digits-dl4j");
    }

    @Test
    void theExportedOnnxModelAnswersTheSameTensorInOnnxRuntime() throws Exception {
        Path onnx = tmp.resolve("digits.onnx");
        InProcessCli.Run export = InProcessCli.run("export", ServedModel.file().toString(), "--format", "onnx", "-o", onnx.toString());
        assertEquals(0, export.exit(), export.err());
        float[][] v2 = probabilities(ok(post("v2/models/digits/infer",
                body(input("FP32", List.of(IMAGES, 1, 28, 28), JSON.valueToTree(pixels))))));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {IMAGES, 1, 28, 28});
             OrtSession.Result result = session.run(Map.of(OnnxWriter.INPUT, input))) {
            float[][] ort = (float[][]) result.get(OnnxWriter.OUTPUT).orElseThrow().getValue();
            assertClose(ort, v2, 1e-5, "V2 vs ONNX Runtime"); // ExportIT's bound, same two implementations
        }
    }

    @Test
    void badTensorsGetTheSpecsErrorObjectSayingWhatToSend() throws Exception {
        // where the unclosed array began, in Jackson's words less its "[Source: REDACTED (`StreamReadFeature...` disabled)"
        assertError(post("v2/models/digits/infer", "{\"inputs\": ["), 400, "the body is not valid JSON (it ends before an object or "
                + "array is closed (one began at line 1, column 12)); send an inference request object");
        assertError(post("v2/models/digits/infer", "[".repeat(1_001) + "]".repeat(1_001)), 400,
                "the body is not valid JSON (arrays and objects nested more than 1,000 deep); send an inference request object");
        assertError(post("v2/models/digits/infer", "[1, 2]"), 400, "the body must be a JSON object");
        assertError(post("v2/models/digits/infer", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 784], \"datatype\": \"FP32\", "
                + "\"data\": [NaN]}]}"), 400, "the body is not valid JSON (NaN and Infinity are not JSON numbers");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
        assertError(send(HttpRequest.newBuilder(URI.create(server.url() + "v2/models/digits/infer")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png))), 400, "the body is a PNG picture, not an inference request");
        float[] two = new float[2 * 784];
        assertError(post("v2/models/digits/infer", body(input("FP64", List.of(2, 784), JSON.valueToTree(two)))), 400,
                "datatype 'FP64' is not taken: send FP32 (pixels / 255, 0-1) or UINT8 (0-255)");
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(2, 28, 28), JSON.valueToTree(two)))), 400,
                "shape [2,28,28] is not taken; send [N, 1, 28, 28] (NCHW) or [N, 784]");
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(3, 784), JSON.valueToTree(two)))), 400,
                "\"data\" holds 1568 elements; the shape needs 2352");
        two[5] = 255;
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(2, 784), JSON.valueToTree(two)))), 400,
                "FP32 pixels must lie in [0, 1] (pixels / 255), got 255.0; send 0-255 values as UINT8");
        int[] tooBright = new int[2 * 784];
        tooBright[7] = 256;
        assertError(post("v2/models/digits/infer", body(input("UINT8", List.of(2, 784), JSON.valueToTree(tooBright)))), 400,
                "UINT8 data must be integers from 0 to 255, got 256");
        float[] asFloats = new float[2 * 784]; // numpy's tolist() of a float array: 0.0, not 0
        assertError(post("v2/models/digits/infer", body(input("UINT8", List.of(2, 784), JSON.valueToTree(asFloats)))), 400,
                "UINT8 data must be integers from 0 to 255, got 0.0 (send whole numbers, e.g. numpy's a.astype('uint8').tolist(), "
                        + "or FP32 pixels / 255)");
        assertError(post("v2/models/digits/infer", "{\"inputs\": {\"name\": \"input\"}}"), 400,
                "\"inputs\" must hold exactly one tensor, named 'input'; got an object");
        // a body over --max-body-bytes is told its size and the limit, as /predict tells it
        assertError(post("v2/models/digits/infer", "{\"inputs\": []}" + " ".repeat(4_200_000 - 14)), 413,
                "request body too large: 4,200,000 bytes, the limit is 4,194,304 bytes");
        // the size is checked before the values: a short "data" is told it is short, whatever it holds
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(1, 784), JSON.valueToTree(new int[] {1, 2, 3})))), 400,
                "\"data\" holds 3 elements; the shape needs 784");
        // nested data is a tensor: ragged rows of the right total, or numbers beside arrays, are refused
        float[][] ragged = {new float[783], new float[785]};
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(2, 784), JSON.valueToTree(ragged)))), 400,
                "\"data\" is not rectangular: an array at depth 1 holds 785 elements, another 783");
        com.fasterxml.jackson.databind.node.ArrayNode mixed = JSON.createArrayNode().add(0f);
        mixed.add(JSON.valueToTree(new float[783]));
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(1, 784), mixed))), 400,
                "\"data\" mixes numbers and arrays at depth 0");
        float[][] transposed = new float[784][2]; // the right total, nested the other way round
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(2, 784), JSON.valueToTree(transposed)))), 400,
                "\"data\" is nested as [784, 2], the shape is [2, 784]; send a flat array or one nested as the shape");
        com.fasterxml.jackson.databind.node.ArrayNode uneven = JSON.createArrayNode(); // numbers at depths 2 and 1
        uneven.addArray().add(JSON.valueToTree(new float[391])).add(JSON.valueToTree(new float[391]));
        uneven.addArray().add(0f).add(0f);
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(1, 784), uneven))), 400,
                "\"data\" mixes numbers and arrays at depth 1");
        // fields missing or of the wrong kind are named as such
        ObjectNode nameless = input("FP32", List.of(1, 784), JSON.valueToTree(new float[784]));
        nameless.remove("name");
        assertError(post("v2/models/digits/infer", body(nameless)), 400, "the input has no \"name\"; this model's input is named 'input'");
        ObjectNode untyped = input("FP32", List.of(1, 784), JSON.valueToTree(new float[784]));
        untyped.remove("datatype");
        assertError(post("v2/models/digits/infer", body(untyped)), 400, "input 'input' has no \"datatype\": send FP32");
        ObjectNode textShape = input("FP32", List.of(1, 784), JSON.valueToTree(new float[784]));
        textShape.put("shape", "1,784");
        assertError(post("v2/models/digits/infer", body(textShape)), 400, "\"shape\" must be an array of dimensions, got \"1,784\"");
        assertError(post("v2/models/digits/infer", "{\"inputs\": []} {}"), 400, "the body goes on after its JSON object");
        assertError(post("v2/models/digits/infer", body(input("FP32", List.of(101, 784), JSON.valueToTree(new float[0])))), 413,
                "too many images: N = 101 in one request, the limit is 100");
        ObjectNode request = JSON.createObjectNode();
        request.putArray("inputs").add(input("FP32", List.of(1, 784), JSON.valueToTree(new float[784])));
        request.putArray("outputs").addObject().put("name", "logits");
        assertError(post("v2/models/digits/infer", request.toString()), 400, "unknown output 'logits'");
        HttpResponse<String> wrongMethod = get("v2/models/digits/infer");
        assertError(wrongMethod, 405, "GET is not allowed on /v2/models/digits/infer; send the inference request with POST");
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""), "what the 405 says and Allow agree");
    }

    @Test
    void aStoppingServerIsNotReadyWhileItStillAnswersThenRefuses() throws Exception {
        ModelSource own = PredictorClassifier.source(new SavedModels(new ModelStore()).load(ServedModel.file()), Engine.AUTO);
        PredictionServer stopping = PredictionServer.start(own, new ServerSettings("127.0.0.1", 0, 8, 64, 1 << 20, 4_000_000, false));
        String base = stopping.url();
        String name = NamedModel.nameOf(ServedModel.file());
        String infer = body(input("FP32", List.of(1, 784), JSON.valueToTree(new float[784])));
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "v2/health/ready")).GET()).statusCode());

        stopping.stopBeingReady();
        assertEquals(400, send(HttpRequest.newBuilder(URI.create(base + "v2/health/ready")).GET()).statusCode());
        assertEquals(400, send(HttpRequest.newBuilder(URI.create(base + "v2/models/" + name + "/ready")).GET()).statusCode());
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "v2/health/live")).GET()).statusCode());
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "v2/models/" + name + "/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(infer))).statusCode(), "still serving while not ready");

        stopping.close();
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThrows(ConnectException.class, () -> fresh.send(HttpRequest.newBuilder(URI.create(base + "v2/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aFolderServesEachModelByItsFileName() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("folder"));
        Files.copy(ServedModel.file(), folder.resolve("b.zip"));
        Files.copy(ServedModel.file(), folder.resolve("a.zip"));
        Files.copy(ServedModel.file(), folder.resolve("a.checkpoint.zip"));
        Files.writeString(folder.resolve("notes.txt"), "not a model");
        List<Path> files = ModelFiles.resolve(List.of(folder), tmp.resolve("unused.zip"), IllegalArgumentException::new);
        assertEquals(List.of(folder.resolve("a.zip"), folder.resolve("b.zip")), files);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.resolve(List.of(folder, folder.resolve("a.zip")), tmp, IllegalArgumentException::new));
        assertTrue(twice.getMessage().endsWith("would both be served as 'a'; rename one"), twice.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals("folder " + empty + " holds no model (*.zip) to serve",
                assertThrows(IllegalArgumentException.class, () -> ModelFiles.resolve(List.of(empty), tmp, IllegalArgumentException::new)).getMessage());
    }

    private static ObjectNode input(String datatype, List<Integer> shape, JsonNode data) {
        ObjectNode input = JSON.createObjectNode();
        input.put("name", "input");
        input.set("shape", JSON.valueToTree(shape));
        input.put("datatype", datatype);
        input.set("data", data);
        return input;
    }

    private static String body(ObjectNode input) {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("inputs").add(input);
        return request.toString();
    }

    private static float[][] probabilities(JsonNode response) {
        JsonNode output = response.get("outputs").get(0);
        int n = output.get("shape").get(0).asInt();
        int classes = output.get("shape").get(1).asInt();
        assertEquals(n * classes, output.get("data").size());
        float[][] p = new float[n][classes];
        for (int i = 0; i < n * classes; i++) {
            p[i / classes][i % classes] = output.get("data").get(i).floatValue();
        }
        return p;
    }

    private static void assertClose(float[][] expected, float[][] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            for (int c = 0; c < expected[i].length; c++) {
                assertTrue(Math.abs(expected[i][c] - actual[i][c]) <= tolerance,
                        what + ": image " + i + " class " + c + ": " + expected[i][c] + " vs " + actual[i][c]);
            }
        }
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String startsWith) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(Set.of("error"), keys(body), r.body());
        assertTrue(body.get("error").asText().startsWith(startsWith), body.get("error").asText());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET());
    }

    private static HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
