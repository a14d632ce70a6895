package dev.convnet.web;

import static dev.convnet.web.ServerHardeningIT.assertJsonError;
import static dev.convnet.web.ServerHardeningIT.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.app.SavedModels;
import dev.convnet.data.LabeledImages;
import dev.convnet.engine.Engine;
import dev.convnet.model.ModelStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pictures as browser code sends them (issue 17): a data URL or base64 text, as text/plain, as a
 * form field (urlencoded or multipart) or in JSON. Each must give exactly the answer the same
 * picture gets as a binary body; the limits are the binary body's. Inputs: real MNIST test digits
 * encoded here, and a real canvas.toDataURL() capture of a hand-drawn 7.
 */
class BrowserBodiesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1 << 20;
    private static PredictionServer server;

    @BeforeAll
    static void start() {
        server = PredictionServer.start(PredictorClassifier.source(new SavedModels(new ModelStore()).load(ServedModel.file()), Engine.AUTO), new ServerSettings("127.0.0.1", 0, 64, 256, MAX_BODY, 4_000_000, false));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyTextFormOfADigitGetsTheBinaryBodysAnswer() throws Exception {
        LabeledImages digits = ServedModel.testImages(12);
        for (int i = 0; i < digits.size(); i++) {
            byte[] png = ServedModel.png(ServedModel.pixels(digits, i));
            assertSameAnswerInEveryForm(png, "test digit " + i);
        }
    }

    @Test
    void aRealCanvasCaptureOfASevenReadsAsSeven() throws Exception {
        String dataUrl;
        try (InputStream in = BrowserBodiesIT.class.getResourceAsStream("/web/canvas-dataurl-7.txt")) {
            dataUrl = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        JsonNode binary = assertSameAnswerInEveryForm(png, "canvas capture");
        assertEquals(7, binary.get("class").asInt(), binary.toString());
        // exactly as the browser sends it: fetch(url, {method: 'POST', body: dataUrl}) is text/plain;charset=UTF-8
        JsonNode sent = JSON.readTree(post(server.port(), "/predict", "text/plain;charset=UTF-8",
                dataUrl.getBytes(StandardCharsets.US_ASCII)).body());
        assertEquals(7, sent.get("class").asInt(), sent.toString());
    }

    @Test
    void theBodyLimitHoldsBeforeDecodingAndBadTextIsA400() throws Exception {
        byte[] png = ServedModel.png(ServedModel.pixels(ServedModel.testImages(1), 0));
        String url = dataUrl(png);
        // a data URL whose base64 is over the body limit: refused by its size, never decoded
        String big = "data:image/png;base64," + "A".repeat(MAX_BODY);
        assertJsonError(post(server.port(), "/predict", "text/plain", big.getBytes(StandardCharsets.US_ASCII)), 413, "request body too large");
        assertJsonError(post(server.port(), "/predict", "application/json",
                JSON.writeValueAsBytes(Map.of("image", big))), 413, "request body too large");
        assertJsonError(post(server.port(), "/predict", "text/plain", "data:text/html,<b>hi</b>".getBytes(StandardCharsets.US_ASCII)),
                400, "not an image");
        assertJsonError(post(server.port(), "/predict", "text/plain", "hello, world!".getBytes(StandardCharsets.US_ASCII)),
                400, "neither a data URL nor base64");
        assertJsonError(post(server.port(), "/predict", "text/plain", "data:image/png;base64".getBytes(StandardCharsets.US_ASCII)),
                400, "malformed data URL");
        assertJsonError(post(server.port(), "/predict", "text/plain", "aGVsbG8gd29ybGQ=".getBytes(StandardCharsets.US_ASCII)),
                400, "not an image"); // valid base64 of text, not of a picture
        assertJsonError(post(server.port(), "/predict", "application/json", "{\"picture\": 1}".getBytes(StandardCharsets.US_ASCII)),
                400, "no \"image\" in the JSON body");
        assertJsonError(post(server.port(), "/predict", "application/json", JSON.writeValueAsBytes(Map.of("image", url,
                "images", List.of(url)))), 400, "both \"image\" and \"images\" in the JSON body");
        assertJsonError(post(server.port(), "/predict", "application/json", "{\"image\": 7}".getBytes(StandardCharsets.US_ASCII)),
                400, "must be a string");
        assertJsonError(post(server.port(), "/predict", "application/json", "{\"image\": ".getBytes(StandardCharsets.US_ASCII)),
                400, "malformed JSON body");
        assertJsonError(post(server.port(), "/predict", "application/x-www-form-urlencoded",
                "name=seven".getBytes(StandardCharsets.US_ASCII)), 400, "or a form with an 'image' field");
        // base64 alone under curl's default form type: told to say text/plain (which reads it)
        String base64 = java.util.Base64.getMimeEncoder().encodeToString(png);
        assertJsonError(post(server.port(), "/predict", "application/x-www-form-urlencoded", base64.getBytes(StandardCharsets.US_ASCII)),
                400, "the body looks like base64 sent as a form (curl's default content type); send it with -H 'Content-Type: text/plain'");
        assertEquals(200, post(server.port(), "/predict", "text/plain", base64.getBytes(StandardCharsets.US_ASCII)).status());
        // a picture's bytes under a text or form type (curl --data-binary without -H) are still the picture
        for (String type : List.of("application/x-www-form-urlencoded", "text/plain")) {
            ServerHardeningIT.Answer a = post(server.port(), "/predict", type, png);
            assertEquals(200, a.status(), type + ": " + a.text());
        }
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= ServerSettings.MAX_IMAGES_PER_REQUEST; i++) {
            many.add(url);
        }
        assertJsonError(post(server.port(), "/predict", "application/json", JSON.writeValueAsBytes(Map.of("images", many))),
                413, "too many images: 101");
    }

    /** Sends {@code png} as bytes and in every text form; returns the binary answer after checking all agree. */
    private static JsonNode assertSameAnswerInEveryForm(byte[] png, String what) throws Exception {
        JsonNode binary = JSON.readTree(post(server.port(), "/predict", "image/png", png).body());
        assertTrue(binary.has("class"), binary.toString());
        String url = dataUrl(png);
        String plain = Base64.getEncoder().encodeToString(png);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(png);
        String mime = Base64.getMimeEncoder().encodeToString(png); // 76-character lines
        List<byte[]> textBodies = List.of(url.getBytes(StandardCharsets.US_ASCII), plain.getBytes(StandardCharsets.US_ASCII),
                urlSafe.getBytes(StandardCharsets.US_ASCII), mime.getBytes(StandardCharsets.US_ASCII));
        for (byte[] body : textBodies) {
            assertSame(binary, post(server.port(), "/predict", "text/plain", body), what + " as text/plain");
        }
        assertSame(binary, post(server.port(), "/predict", "application/octet-stream", url.getBytes(StandardCharsets.US_ASCII)),
                what + " as a data URL under a binary type");
        assertSame(binary, post(server.port(), "/predict", "application/x-www-form-urlencoded", url.getBytes(StandardCharsets.US_ASCII)),
                what + " as a bare data URL sent as a form (curl --data)");
        assertSame(binary, post(server.port(), "/predict", "application/x-www-form-urlencoded",
                ("note=hi&image=" + URLEncoder.encode(url, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII)),
                what + " as an urlencoded form field");
        assertSame(binary, post(server.port(), "/predict", "application/x-www-form-urlencoded",
                ("image=" + url).getBytes(StandardCharsets.US_ASCII)), what + " as a form field left unescaped");
        assertSame(binary, post(server.port(), "/predict", "application/json",
                JSON.writeValueAsBytes(Map.of("image", url))), what + " in JSON");
        assertSame(binary, post(server.port(), "/predict", "application/json; charset=utf-8",
                JSON.writeValueAsBytes(Map.of("image", plain))), what + " in JSON as plain base64");
        JsonNode list = JSON.readTree(post(server.port(), "/predict", "application/json",
                JSON.writeValueAsBytes(Map.of("images", List.of(url, plain, urlSafe)))).body());
        assertEquals(3, list.size(), list.toString());
        for (JsonNode answer : list) {
            assertSameAnswer(binary, answer, what + " in a JSON list");
        }
        // text that is no base64 is that picture's answer in a list, as a picture that is no image is
        JsonNode mixed = JSON.readTree(post(server.port(), "/predict", "application/json",
                JSON.writeValueAsBytes(Map.of("images", List.of(url, "!!!not base64")))).body());
        assertEquals(2, mixed.size(), mixed.toString());
        assertSameAnswer(binary, mixed.get(0), what + " beside a picture that is no base64");
        assertEquals(400, mixed.get(1).get("status").asInt(), mixed.toString());
        assertTrue(mixed.get(1).get("error").asText().startsWith("not an image: the text is neither a data URL nor base64"), mixed.toString());
        JsonNode parts = JSON.readTree(post(server.port(), "/predict", "multipart/form-data; boundary=xyz",
                multipart("xyz", url, png)).body());
        assertEquals(3, parts.size(), parts.toString());
        for (JsonNode answer : parts) {
            assertSameAnswer(binary, answer, what + " in multipart (field, file of text, file of bytes)");
        }
        return binary;
    }

    private static void assertSame(JsonNode expected, ServerHardeningIT.Answer answer, String what) throws IOException {
        assertEquals(200, answer.status(), what + ": " + answer.text());
        assertSameAnswer(expected, JSON.readTree(answer.body()), what);
    }

    private static void assertSameAnswer(JsonNode expected, JsonNode actual, String what) {
        assertEquals(expected.get("class"), actual.get("class"), what);
        assertEquals(expected.get("probability").floatValue(), actual.get("probability").floatValue(), 1e-5, what);
    }

    private static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** A form as a browser's FormData sends it: a text field, a file holding the data URL, a file holding the PNG. */
    private static byte[] multipart(String boundary, String url, byte[] png) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n" + url + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"digit.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + url + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"digit.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(png);
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
