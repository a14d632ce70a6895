package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convnet.TestData;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * {@code train --live} in real headless Chromium (Debian's chromium and chromedriver, as for the
 * draw page): a short real run's loss curve grows on the page as it trains, the first epoch's
 * confusion matrix and misread digits appear, an earlier run in the folder is listed, then the
 * page's Stop checkpoints the run exactly as Ctrl-C does, and {@code train --resume} finishes it.
 */
class LivePageBrowserIT {
    @TempDir
    static Path tmp;
    private static ChromeDriverService service;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() {
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1200", "--hide-scrollbars");
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        service.stop();
    }

    @Test
    void watchTheCurveGrowThenStopAndResume() throws Exception {
        Path data = TestData.subset(tmp.resolve("data"), 1200, 200, false);
        Path models = Files.createDirectories(tmp.resolve("models"));
        InProcessCli.Run earlier = InProcessCli.run("train", "--epochs", "1", "--limit", "128", "--seed", "1", "--data", data.toString(),
                "-o", models.resolve("earlier.zip").toString(), "--json");
        assertEquals(0, earlier.exit(), earlier.err());
        Path model = models.resolve("model.zip");
        int port = freePort();
        // 1200 images in batches of 16: 75 steps an epoch, 10 epochs; stopped long before the end, in whichever epoch
        // the machine has reached by then (a fast one finishes a few seconds' epoch while the test reads the page)
        CompletableFuture<InProcessCli.Run> training = CompletableFuture.supplyAsync(() -> InProcessCli.run("train", "--epochs", "10",
                "--batch", "16", "--seed", "3", "--data", data.toString(), "-o", model.toString(), "--live", "--port",
                String.valueOf(port)));

        waitFor(Duration.ofSeconds(120), "the page", () -> {
            try {
                browser.get("http://127.0.0.1:" + port + "/");
                return true;
            } catch (RuntimeException notYet) {
                return training.isDone() ? fail(training) : false;
            }
        });
        waitFor(Duration.ofSeconds(120), "the first points", () -> points() >= 3);
        long first = points();
        String lossBefore = lossCurveFingerprint();
        waitFor(Duration.ofSeconds(120), "more points", () -> points() >= first + 5);
        // the page redraws on its next animation frame, not the moment a point arrives
        waitFor(Duration.ofSeconds(30), "the loss chart redrawn as points came", () -> !lossCurveFingerprint().equals(lossBefore));
        assertTrue(text("settings").contains("SEED\n3") || text("settings").toLowerCase().contains("seed\n3"), text("settings"));
        assertEquals("(1)", text("earlier-count"));
        assertEquals("running", js("return document.body.dataset.state"));
        for (double v : new double[] {0.74425, 0.74424, 1.00005, 0.99995, 0.0, 2.5e-5, 0.123456789, -0.00005, -0.00004, 12.5}) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.4f", v), js("return fmt(" + v + ")"), "the page's " + v + " as the console's");
        }
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f", 0.15), js("return fmt(0.15, 1)"));

        waitFor(Duration.ofSeconds(300), "the first epoch's evaluation", () -> ((Number) js(
                "return document.querySelectorAll('#confusion tr').length")).intValue() == 11);
        assertTrue((Boolean) js("return !document.getElementById('strip').hidden && document.getElementById('strip').naturalWidth > 100"));
        // the settings follow the epochs: read both in one script so a new epoch cannot land between them
        waitFor(Duration.ofSeconds(30), "the settings following the epochs", () -> (Boolean) js(
                "return document.getElementById('settings').innerText.includes(run.epochs.length + ' of 10')"));

        browser.findElement(By.id("stop")).click();
        InProcessCli.Run stopped = training.get(300, TimeUnit.SECONDS);
        assertEquals(0, stopped.exit(), stopped.err()); // an asked-for stop is a clean end
        assertTrue(stopped.err().matches("(?s).*Interrupted in epoch ([2-9]|10)\\b.*") && stopped.err().contains("resume with"),
                stopped.err());
        Path checkpoint = models.resolve("model.checkpoint.zip");
        assertTrue(Files.isRegularFile(checkpoint));
        assertTrue(!Files.exists(model));
        waitFor(Duration.ofSeconds(20), "the stop message", () -> text("message").contains("resume with"));
        assertEquals("stopped", js("return document.body.dataset.state"));
        assertFalse(browser.findElement(By.id("stop")).isDisplayed(), "no Stop button once the run has stopped");

        InProcessCli.Run resumed = InProcessCli.run("train", "--resume", checkpoint.toString(), "--data", data.toString(),
                "-o", model.toString(), "--json");
        assertEquals(0, resumed.exit(), resumed.err());
        JsonNode history = new ObjectMapper().readTree(resumed.out()).get("run").get("history");
        assertEquals(10, history.size(), history.toString());
        assertTrue(Files.isRegularFile(model));
    }

    private static boolean fail(CompletableFuture<InProcessCli.Run> training) {
        throw new AssertionError("training ended before its page opened: " + training.join().err());
    }

    private static long points() {
        return ((Number) js("return run.steps.length")).longValue();
    }

    /** A digest of the loss canvas's pixels: changes when the chart is redrawn with new points. */
    private static String lossCurveFingerprint() {
        return String.valueOf(js("const c = document.getElementById('loss'); return c.toDataURL().length + ':' + "
                + "c.toDataURL().slice(-200)"));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitFor(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the live page never showed " + what);
            }
            Thread.sleep(200);
        }
    }
}
