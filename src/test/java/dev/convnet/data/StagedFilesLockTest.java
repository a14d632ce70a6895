package dev.convnet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs writing one folder: a set is not renamed in while another process holds the folder's
 * commit lock (an evaluate --report in another terminal), and lands whole once it lets go.
 */
class StagedFilesLockTest {
    @TempDir
    Path root;

    @Test
    void aCommitWaitsForAnotherProcessCommittingIntoTheSameFolder() throws Exception {
        Path folder = Files.createDirectory(root.resolve("report"));
        Files.writeString(folder.resolve("index.html"), "the other run's page");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), // where the lock files are: the same as ours
                FolderLockHolder.class.getName(), folder.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", said.readLine(), "the other process holds the folder's lock");
            StagedFiles files = StagedFiles.in(folder);
            Files.writeString(files.staging().resolve("01.png"), "picture");
            Files.writeString(files.staging().resolve("index.html"), "this run's page");
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                try (files) {
                    files.commit("index.html");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(1000); // ample time for a commit that did not wait: a few renames
            assertFalse(commit.isDone(), "the commit waits for the other process");
            assertFalse(Files.exists(folder.resolve("01.png")), "nothing of this set is renamed in meanwhile");
            assertEquals("the other run's page", Files.readString(folder.resolve("index.html")));
            other.getOutputStream().close(); // the other process finishes and lets go
            assertNull(commit.get(60, TimeUnit.SECONDS));
            assertEquals("this run's page", Files.readString(folder.resolve("index.html")));
            assertEquals("picture", Files.readString(folder.resolve("01.png")));
        } finally {
            other.destroyForcibly().waitFor();
        }
    }
}
