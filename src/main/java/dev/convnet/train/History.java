package dev.convnet.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Per-epoch training metrics, in order, like the {@code History} object Keras' fit returns. */
public final class History {
    private final List<EpochRecord> epochs = new ArrayList<>();

    public void add(EpochRecord record) {
        epochs.add(record);
    }

    public List<EpochRecord> epochs() {
        return List.copyOf(epochs);
    }

    public double totalSeconds() {
        return epochs.stream().mapToDouble(EpochRecord::seconds).sum();
    }

    /** One row per epoch: {@code epoch,loss,accuracy,seconds}. */
    public String toCsv() {
        StringBuilder csv = new StringBuilder("epoch,loss,accuracy,seconds\n");
        for (EpochRecord e : epochs) {
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.2f%n", e.epoch(), e.loss(), e.accuracy(), e.seconds()));
        }
        return csv.toString();
    }
}
