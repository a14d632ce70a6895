package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.cli.CliTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convnet serve} as a user runs it: one-line startup errors, and a graceful stop on SIGTERM. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void startupProblemsAreOneLineAndANonZeroExit() throws IOException {
        String model = ServedModel.file().toString();
        assertOneLine(CliTest.run("serve", tmp.resolve("missing.zip").toString()), 2, "not found");
        Path corrupt = Files.write(tmp.resolve("corrupt.zip"), "PK\u0003\u0004 this is not a model".getBytes(StandardCharsets.ISO_8859_1));
        assertOneLine(CliTest.run("serve", corrupt.toString(), "--port", "0"), 1, "corrupt.zip");
        assertOneLine(CliTest.run("serve", model, "--max-batch", "0"), 2, "--max-batch must be between 1");
        assertOneLine(CliTest.run("serve", model, "--port", "70000"), 2, "--port must be between 0 and 65535");
        assertOneLine(CliTest.run("serve", model, "--queue", "lots"), 2, "Invalid value for option '--queue'");
        assertOneLine(CliTest.run("serve", model, "--max-body-bytes", "5"), 2, "--max-body-bytes must be between");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertOneLine(CliTest.run("serve", model, "--port", "" + taken.getLocalPort()), 1, "is already in use");
        }
    }

    @Test
    void sigtermFinishesTheRequestInFlightAndExitsZero() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.convnet.ConvNet",
                "serve", ServedModel.file().toString(), "--port", "0")
                .redirectError(tmp.resolve("stderr.txt").toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String startup = out.readLine();
            assertTrue(startup != null, "no startup line; stderr: " + Files.readString(tmp.resolve("stderr.txt")));
            Matcher url = Pattern.compile("Serving \\S*model\\.zip \\(mnist, 104,202 parameters, test accuracy 0\\.\\d{4}, engine \\w+\\) "
                    + "at http://127\\.0\\.0\\.1:(\\d+)/").matcher(startup);
            assertTrue(url.find(), startup);
            int port = Integer.parseInt(url.group(1));

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
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
            assertEquals(0, server.exitValue());
            String rest = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.contains("Stopped."), rest);
            String err = Files.readString(tmp.resolve("stderr.txt"));
            assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        } finally {
            server.destroyForcibly();
        }
    }

    private static void assertOneLine(CliTest.Run run, int exit, String text) {
        assertEquals(exit, run.exit(), run.out() + run.err());
        assertTrue(run.err().contains(text), run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("Exception:"), run.err());
        assertTrue(run.err().strip().lines().count() <= 2, run.err()); // the error, and at most "Try --help"
    }
}
