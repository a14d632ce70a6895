package dev.convnet.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;
import java.util.Map;

/**
 * An Open Inference Protocol inference request ({@code $inference_request}, KServe "Predict Protocol -
 * Version 2", Inference Request JSON Object) for a convnet model, checked and turned into pixels.
 *
 * <p>The one input tensor is named {@value #INPUT} (the name the ONNX export uses), with shape
 * {@code [N, 1, 28, 28]} (NCHW) or {@code [N, 784]}, and datatype {@code FP32} (pixels / 255, in
 * [0, 1]) or {@code UINT8} (0-255); its data row-major, flat or nested. Anything else is a 400 that
 * says what was expected.
 *
 * @param id the request's {@code id}, echoed in the response; null when it had none
 * @param count N, the number of images
 * @param pixels {@code count × 784} floats in [0, 1], image after image
 */
record InferenceRequest(String id, int count, float[] pixels) {
    static final String INPUT = "input";
    static final String OUTPUT = "probabilities";
    private static final int PIXELS = Classifier.PIXELS;

    /**
     * Parses and checks a request body.
     *
     * @throws HttpProblem 400 for malformed JSON or a tensor this model does not take; 413 for more
     *     than {@code maxImages} images
     */
    static InferenceRequest parse(byte[] body, ObjectMapper mapper, int maxImages) {
        JsonNode root;
        java.util.Optional<dev.convnet.data.PictureFormat> picture = JsonBodies.picture(body);
        if (picture.isPresent()) {
            throw bad("the body is " + JsonBodies.describe(picture.get()) + ", not an inference request: POST pictures to /predict, "
                    + "or send their pixels here as a tensor");
        }
        try {
            // one JSON value and nothing after it: '{"inputs": [...]} xyz' is not a request either
            root = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
        } catch (MismatchedInputException e) {
            throw bad(e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")
                    ? "the body goes on after its JSON object; send one inference request object"
                    : "the body is not valid JSON (" + JsonBodies.reason(e) + "); send an inference request object");
        } catch (JacksonException e) {
            throw bad("the body is not valid JSON (" + JsonBodies.reason(e) + "); send an inference request object");
        } catch (java.io.IOException e) { // reading a byte array fails only on malformed input
            throw bad("the body could not be read as JSON; send an inference request object");
        }
        if (root == null || !root.isObject()) {
            throw bad("the body must be a JSON object: {\"inputs\": [{\"name\": \"input\", \"shape\": [N, 784], "
                    + "\"datatype\": \"FP32\", \"data\": [...]}]}");
        }
        String id = null;
        if (root.has("id")) {
            if (!root.get("id").isTextual()) {
                throw bad("\"id\" must be a string");
            }
            id = root.get("id").asText();
        }
        requireParameters(root, "the request");
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw bad("\"inputs\" must hold exactly one tensor, named '" + INPUT + "'; got "
                    + (inputs == null ? "none" : inputs.isArray() ? inputs.size() : kind(inputs)));
        }
        JsonNode input = inputs.get(0);
        if (!input.isObject()) {
            throw bad("each input must be an object with name, shape, datatype and data");
        }
        if (!input.path("name").isTextual()) {
            throw bad("the input has no \"name\"; this model's input is named '" + INPUT + "'");
        }
        String name = input.get("name").asText();
        if (!INPUT.equals(name)) {
            throw bad("unknown input '" + name + "': this model's input is named '" + INPUT + "'");
        }
        requireParameters(input, "input '" + INPUT + "'");
        String taken = ": send FP32 (pixels / 255, 0-1) or UINT8 (0-255)";
        if (!input.path("datatype").isTextual()) {
            throw bad("input '" + INPUT + "' has no \"datatype\"" + taken);
        }
        String datatype = input.get("datatype").asText();
        if (!datatype.equals("FP32") && !datatype.equals("UINT8")) {
            throw bad("datatype '" + datatype + "' is not taken" + taken);
        }
        int count = count(input.get("shape"), maxImages);
        checkOutputs(root.get("outputs"));
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw bad("input '" + INPUT + "' has no \"data\" array");
        }
        float[] pixels = new float[count * PIXELS];
        long elements = elements(data, input.get("shape")); // the size first: a short "data" is told so, whatever its values
        if (elements != pixels.length) {
            throw bad("\"data\" holds " + elements + " elements; the shape needs " + pixels.length);
        }
        fill(data, pixels, 0, datatype.equals("UINT8"));
        return new InferenceRequest(id, count, pixels);
    }

    /** The document of the response ({@code $inference_response}) for these probabilities. */
    static Map<String, Object> response(String model, String version, String id, float[][] probabilities) {
        int classes = probabilities.length == 0 ? 0 : probabilities[0].length;
        float[] flat = new float[probabilities.length * classes];
        for (int i = 0; i < probabilities.length; i++) {
            System.arraycopy(probabilities[i], 0, flat, i * classes, classes);
        }
        Map<String, Object> output = new java.util.LinkedHashMap<>();
        output.put("name", OUTPUT);
        output.put("datatype", "FP32");
        output.put("shape", List.of(probabilities.length, classes));
        output.put("data", flat);
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("model_name", model);
        doc.put("model_version", version);
        if (id != null) {
            doc.put("id", id);
        }
        doc.put("outputs", List.of(output));
        return doc;
    }

    /** N from {@code [N, 1, 28, 28]} or {@code [N, 784]}. */
    private static int count(JsonNode shape, int maxImages) {
        String expected = "; send [N, 1, 28, 28] (NCHW) or [N, 784]";
        if (shape == null) {
            throw bad("input '" + INPUT + "' needs a \"shape\"" + expected);
        }
        if (!shape.isArray() || shape.isEmpty()) {
            throw bad("\"shape\" must be an array of dimensions, got " + abbreviate(shape) + expected);
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw bad("shape " + shape + " has a dimension that is not a non-negative integer" + expected);
            }
            dims[i] = d.asLong();
        }
        boolean nchw = dims.length == 4 && dims[1] == 1 && dims[2] == 28 && dims[3] == 28;
        boolean flat = dims.length == 2 && dims[1] == PIXELS;
        if (!nchw && !flat) {
            throw bad("shape " + shape + " is not taken" + expected);
        }
        if (dims[0] < 1) {
            throw bad("shape " + shape + " holds no image; N must be at least 1");
        }
        if (dims[0] > maxImages) {
            throw HttpProblem.tooLarge("too many images: N = " + dims[0] + " in one request, the limit is " + maxImages);
        }
        return (int) dims[0];
    }

    /**
     * How many values nested or flat {@code data} holds. Nested data must be nested as the shape
     * is, as a tensor is: every array at one depth as long as {@code shape} says, numbers at the
     * deepest level only (a ragged image of 783 and 785 values, or [784][2] for [2, 784], would
     * otherwise pass as the right total, its pixels shifted or transposed).
     */
    private static long elements(JsonNode data, JsonNode shape) {
        long[] lengths = {-1, -1, -1, -1, -1};
        int[] numbersAt = {-1};
        long n = elements(data, 0, lengths, numbersAt);
        if (numbersAt[0] > 0) { // nested: as the shape, level by level
            java.util.List<Long> nesting = new java.util.ArrayList<>();
            for (int d = 0; d <= numbersAt[0]; d++) {
                nesting.add(lengths[d]);
            }
            java.util.List<Long> dims = new java.util.ArrayList<>();
            shape.forEach(d -> dims.add(d.asLong()));
            if (!nesting.equals(dims)) {
                throw bad("\"data\" is nested as " + nesting + ", the shape is " + dims
                        + "; send a flat array or one nested as the shape");
            }
        }
        return n;
    }

    private static long elements(JsonNode data, int depth, long[] lengths, int[] numbersAt) {
        if (depth > 4) {
            throw bad("\"data\" is nested deeper than the shape");
        }
        if (lengths[depth] < 0) {
            lengths[depth] = data.size();
        } else if (lengths[depth] != data.size()) {
            throw bad("\"data\" is not rectangular: an array at depth " + depth + " holds " + data.size()
                    + " elements, another " + lengths[depth] + "; send a flat array or one nested as the shape");
        }
        long n = 0;
        for (JsonNode e : data) {
            if (e.isArray()) {
                n += elements(e, depth + 1, lengths, numbersAt);
                continue;
            }
            if (numbersAt[0] >= 0 && numbersAt[0] != depth) {
                throw bad("\"data\" mixes numbers and arrays at depth " + Math.min(depth, numbersAt[0])
                        + "; send a flat array or one nested as the shape");
            }
            numbersAt[0] = depth;
            n++;
        }
        return n;
    }

    /** Copies nested or flat {@code data}, as many values as {@code pixels} holds ({@link #elements}), into it from {@code at}. */
    private static int fill(JsonNode data, float[] pixels, int at, boolean uint8) {
        for (JsonNode e : data) {
            if (e.isArray()) {
                at = fill(e, pixels, at, uint8);
            } else {
                pixels[at++] = uint8 ? uint8(e) : fp32(e);
            }
        }
        return at;
    }

    private static float fp32(JsonNode e) {
        if (!e.isNumber()) {
            throw bad("FP32 data must be numbers, got " + abbreviate(e));
        }
        double v = e.asDouble();
        if (!(v >= 0 && v <= 1)) {
            throw bad("FP32 pixels must lie in [0, 1] (pixels / 255), got " + abbreviate(e)
                    + "; send 0-255 values as UINT8");
        }
        return (float) v;
    }

    private static float uint8(JsonNode e) {
        if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 0 || e.asInt() > 255) {
            throw bad("UINT8 data must be integers from 0 to 255, got " + abbreviate(e)
                    + (e.isFloatingPointNumber() ? " (send whole numbers, e.g. numpy's a.astype('uint8').tolist(), or FP32 pixels / 255)" : ""));
        }
        return e.asInt() / 255f;
    }

    /** Only {@value #OUTPUT} exists; asking for it, or for nothing, is fine. */
    private static void checkOutputs(JsonNode outputs) {
        if (outputs == null) {
            return;
        }
        if (!outputs.isArray()) {
            throw bad("\"outputs\" must be an array of {\"name\": ...}");
        }
        for (JsonNode output : outputs) {
            String name = output.path("name").asText(null);
            if (!OUTPUT.equals(name)) {
                throw bad("unknown output '" + name + "': this model's output is '" + OUTPUT + "' [N, 10] FP32");
            }
            requireParameters(output, "output '" + OUTPUT + "'");
        }
    }

    /** {@code parameters} is optional, and an object of string, number or boolean values when present. */
    private static void requireParameters(JsonNode holder, String what) {
        JsonNode parameters = holder.get("parameters");
        if (parameters == null) {
            return;
        }
        if (!parameters.isObject()) {
            throw bad("\"parameters\" of " + what + " must be an object");
        }
        for (JsonNode value : parameters) {
            if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
                throw bad("\"parameters\" of " + what + " may hold strings, numbers and booleans only");
            }
        }
    }

    /** "an object", "a string", ...: what a JSON value is, in words. */
    private static String kind(JsonNode e) {
        return switch (e.getNodeType()) {
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + e.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(JsonNode e) {
        String text = e.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static HttpProblem bad(String message) {
        return HttpProblem.badImage(message);
    }
}
