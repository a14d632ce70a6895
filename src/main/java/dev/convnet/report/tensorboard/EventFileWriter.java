package dev.convnet.report.tensorboard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One TensorBoard event file, {@code DIR/events.out.tfevents.SECONDS.convnet.PID.v2}, as TensorFlow's
 * summary writer names and starts it (a first event with {@code file_version}). Records go out
 * through a buffer; {@link #flush()} makes them visible to a TensorBoard that is watching.
 *
 * <p>Not thread-safe: one writer per thread.
 */
public final class EventFileWriter implements AutoCloseable {
    private final Path file;
    private final TfRecordWriter records;

    /** @throws IOException when the folder cannot be made or the file cannot be created */
    public EventFileWriter(Path dir) throws IOException {
        Files.createDirectories(dir);
        double now = System.currentTimeMillis() / 1000.0;
        Path candidate = dir.resolve(String.format("events.out.tfevents.%d.convnet.%d.v2", (long) now,
                ProcessHandle.current().pid()));
        for (int n = 1; Files.exists(candidate); n++) { // a second writer for this folder in the same second
            candidate = dir.resolve(String.format("events.out.tfevents.%d.convnet.%d.%d.v2", (long) now,
                    ProcessHandle.current().pid(), n));
        }
        this.file = candidate;
        this.records = new TfRecordWriter(new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)));
        records.write(Summaries.fileVersionEvent(now));
    }

    public Path file() {
        return file;
    }

    public void scalar(String tag, long step, double value) throws IOException {
        write(step, Summaries.scalar(tag, (float) value));
    }

    public void histogram(String tag, long step, float[] values) throws IOException {
        write(step, Summaries.histogram(tag, Histogram.of(values)));
    }

    /** A PNG of {@code width x height} pixels; {@code colorspace} 1 is grey, 3 RGB, 4 RGBA. */
    public void image(String tag, long step, int width, int height, int colorspace, byte[] png) throws IOException {
        write(step, Summaries.image(tag, width, height, colorspace, png));
    }

    /** Text that TensorBoard's Text dashboard renders as Markdown. */
    public void text(String tag, long step, String markdown) throws IOException {
        write(step, Summaries.text(tag, markdown));
    }

    /**
     * The run's hyperparameters for the HParams dashboard (values: numbers, booleans or strings),
     * as {@code tensorboard.plugins.hparams.api.hparams} writes them at a run's start.
     */
    public void hparams(Map<String, Object> values, String group, double startTimeSeconds) throws IOException {
        write(0, Summaries.sessionStart(values, group, startTimeSeconds));
    }

    /**
     * The end of the HParams session: STATUS_SUCCESS, or STATUS_FAILURE when {@code failed}
     * (tensorboard/plugins/hparams/api.proto).
     */
    public void hparamsEnd(boolean failed, double endTimeSeconds) throws IOException {
        write(0, Summaries.sessionEnd(failed ? 2 : 1, endTimeSeconds));
    }

    public void flush() throws IOException {
        records.flush();
    }

    @Override
    public void close() throws IOException {
        records.close();
    }

    private void write(long step, ProtoMessage value) throws IOException {
        records.write(Summaries.event(System.currentTimeMillis() / 1000.0, step, value));
    }
}
