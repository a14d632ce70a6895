package dev.convnet.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs scripts/interop-reference.py with the venv of scripts/reference-python (real Keras 3,
 * onnx and ONNX Runtime from the machine's wheels; Maven makes it before the tests run).
 */
final class ReferencePython {
    /** One job: mode (keras, weights, onnx), model file, weights file or null, where the softmax goes. */
    record Job(String mode, Path model, Path weights, Path out) {
        float[][] probabilities(int images) throws IOException {
            ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
            float[][] p = new float[images][10];
            if (raw.remaining() != images * 10 * Float.BYTES) {
                throw new AssertionError(out + " holds " + raw.remaining() + " bytes, expected " + images * 40);
            }
            for (float[] row : p) {
                raw.asFloatBuffer().get(row);
                raw.position(raw.position() + 40);
            }
            return p;
        }
    }

    private ReferencePython() {
    }

    /** Runs all jobs in one Python start-up; returns its output. Fails with that output if Python fails. */
    static String run(List<Job> jobs, int images, Path work) throws IOException, InterruptedException {
        Path tsv = work.resolve("jobs.tsv");
        StringBuilder lines = new StringBuilder();
        for (Job j : jobs) {
            lines.append(j.mode()).append('\t').append(j.model().toAbsolutePath()).append('\t')
                    .append(j.weights() == null ? "-" : j.weights().toAbsolutePath().toString()).append('\t')
                    .append(j.out().toAbsolutePath()).append('\n');
        }
        Files.writeString(tsv, lines);
        return exec(List.of(python(), "scripts/interop-reference.py", "--jobs", tsv.toString(),
                "--data", "data/mnist", "--images", String.valueOf(images)), 600);
    }

    /** The venv's python, made (or found) by scripts/reference-python. */
    static String python() throws IOException, InterruptedException {
        String out = exec(List.of("scripts/reference-python"), 900).strip();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    private static String exec(List<String> command, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + seconds + " s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }
}
