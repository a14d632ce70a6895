package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.TestData;
import dev.convnet.app.SavedModels;
import dev.convnet.engine.Engine;
import dev.convnet.model.ModelStore;
import java.awt.Color;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The draw-a-digit page in real headless Chromium (Debian's chromium and chromedriver, installed
 * by scripts/fetch-browser before the tests): mouse strokes on the canvas, the prediction, the
 * bars and the model's 28x28 input as the page shows them, Clear, and an uploaded picture.
 */
class DrawPageBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PredictionServer server;
    private static ChromeDriverService service;
    private static WebDriver browser;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        Path model = ServedModel.file();
        server = PredictionServer.start(PredictorClassifier.source(new SavedModels(new ModelStore()).load(model), Engine.AUTO), ServerSettings.defaults(0));
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--hide-scrollbars");
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        service.stop();
        server.close();
    }

    @Test
    void drawADigitReadThePredictionAndTheBarsThenClear() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        waitFor("model info", () -> browser.findElement(By.id("model-info")).getText().contains("104,202"));
        assertEquals("empty", state());

        WebElement pad = browser.findElement(By.id("pad"));
        // a "1": one firm vertical stroke, slightly slanted, as people write it
        stroke(pad, List.of(new double[] {0.54, 0.18}, new double[] {0.52, 0.40}, new double[] {0.50, 0.62},
                new double[] {0.48, 0.84}));
        waitFor("a prediction", () -> "ready".equals(state()));

        String label = browser.findElement(By.id("label")).getText();
        assertEquals("1", label, "a drawn 1");
        assertPageAgreesWithTheApi(label);

        // a "7" on a fresh pad
        browser.findElement(By.id("clear")).click();
        stroke(pad, List.of(new double[] {0.25, 0.2}, new double[] {0.5, 0.2}, new double[] {0.75, 0.2},
                new double[] {0.65, 0.4}, new double[] {0.55, 0.6}, new double[] {0.45, 0.85}));
        waitFor("a prediction", () -> "ready".equals(state()));
        assertEquals("7", browser.findElement(By.id("label")).getText(), "a drawn 7");
        assertPageAgreesWithTheApi("7");
        Files.write(Path.of("target/serve-page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        browser.findElement(By.id("clear")).click();
        assertEquals("empty", state());
        assertEquals("–", browser.findElement(By.id("label")).getText());
        for (WebElement bar : bars()) {
            assertEquals("0", bar.getAttribute("data-probability"));
        }
        assertEquals(0L, js("const c = document.getElementById('pad').getContext('2d').getImageData(0, 0, 280, 280).data;"
                + "let s = 0; for (let i = 0; i < c.length; i += 4) s += c[i]; return s;"));
    }

    @Test
    void uploadAPictureOfADigit() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        waitFor("the page", () -> bars().size() == 10);
        float[] digit = ServedModel.pixels(ServedModel.testImages(2), 1); // a 2
        Path photo = tmp.resolve("photo.png");
        byte[] bytes = ServedModel.encode(TestData.darkInkOnWhite(digit, 10, 200, 60, new Color(245, 242, 230)), "png");
        Files.write(photo, bytes);
        browser.findElement(By.id("upload")).sendKeys(photo.toAbsolutePath().toString());
        waitFor("a prediction", () -> "ready".equals(state()));
        JsonNode api = predict(bytes);
        assertEquals(api.get("label").asText(), browser.findElement(By.id("label")).getText());
        assertTrue((Boolean) js("return !document.getElementById('photo').hidden;"), "the picture is shown");

        // a file that is no picture: said as a person would, and no broken picture left on the page
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "not a picture");
        browser.findElement(By.id("upload")).sendKeys(notes.toAbsolutePath().toString());
        waitFor("the error", () -> "error".equals(state()));
        String status = browser.findElement(By.id("status")).getText();
        assertTrue(status.startsWith("That file is not a picture convnet reads: choose a PNG, JPEG, GIF or BMP"), status);
        assertTrue((Boolean) js("return document.getElementById('photo').hidden;"), "no broken picture");
    }

    /** The page shows what the API answers for the very drawing on the canvas: label, bars and input. */
    private void assertPageAgreesWithTheApi(String label) throws Exception {
        String dataUrl = (String) js("return document.getElementById('pad').toDataURL('image/png');");
        JsonNode api = predict(Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1)));
        assertEquals(api.get("label").asText(), label);
        double sum = 0;
        List<WebElement> bars = bars();
        assertEquals(10, bars.size());
        for (int c = 0; c < 10; c++) {
            WebElement bar = bars.get(c);
            double p = Double.parseDouble(bar.getAttribute("data-probability"));
            assertEquals(api.get("probabilities").get(c).asDouble(), p, 1e-4, "bar " + c);
            assertEquals(c == api.get("class").asInt(), bar.getAttribute("class").contains("best"), "bar " + c);
            String style = bar.findElement(By.className("fill")).getAttribute("style"); // e.g. "width: 95.3%;"
            double width = Double.parseDouble(style.replaceAll("[^0-9.]", ""));
            assertEquals(100 * p, width, 0.01, "bar " + c + " is as long as its probability");
            sum += p;
        }
        assertEquals(1.0, sum, 1e-3);
        assertTrue(browser.findElement(By.id("confidence")).getText().endsWith("% sure"));
        // the 28x28 picture the model saw is the API's input, pixel for pixel
        @SuppressWarnings("unchecked")
        List<Long> seen = (List<Long>) js("const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;"
                + "const out = []; for (let i = 0; i < d.length; i += 4) out.push(d[i]); return out;");
        List<Long> input = new ArrayList<>();
        api.get("input").forEach(v -> input.add(v.asLong()));
        assertEquals(input, seen);
        assertTrue(input.stream().mapToLong(Long::longValue).sum() > 0, "the model saw ink");
    }

    private static void stroke(WebElement pad, List<double[]> points) {
        int w = pad.getRect().getWidth();
        int h = pad.getRect().getHeight();
        Actions actions = new Actions(browser);
        double[] first = points.get(0);
        int x = (int) Math.round(first[0] * w);
        int y = (int) Math.round(first[1] * h);
        actions.moveToElement(pad, x - w / 2, y - h / 2).clickAndHold();
        for (double[] p : points.subList(1, points.size())) {
            int nx = (int) Math.round(p[0] * w);
            int ny = (int) Math.round(p[1] * h);
            for (int step = 1; step <= 6; step++) { // small moves, as a hand makes them
                actions.moveToElement(pad, x + (nx - x) * step / 6 - w / 2, y + (ny - y) * step / 6 - h / 2);
            }
            x = nx;
            y = ny;
        }
        actions.release().perform();
    }

    private static JsonNode predict(byte[] image) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/predict?explain=1"))
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static List<WebElement> bars() {
        return browser.findElements(By.cssSelector("#bars li"));
    }

    private static String state() {
        return browser.findElement(By.tagName("body")).getAttribute("data-state");
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never showed " + what + " (state " + state() + ")");
            }
            Thread.sleep(50);
        }
    }
}
