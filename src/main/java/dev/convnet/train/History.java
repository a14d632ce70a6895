package dev.convnet.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Per-epoch training metrics, in order, like the {@code History} object Keras' fit returns. */
public final class History {
    private final List<EpochRecord> epochs = new ArrayList<>();
    private boolean stoppedEarly;
    private int restoredEpoch;

    public void add(EpochRecord record) {
        epochs.add(record);
    }

    void stoppedEarly() {
        stoppedEarly = true;
    }

    void restoredEpoch(int epoch) {
        restoredEpoch = epoch;
    }

    /** True when early stopping ended training before the last epoch. */
    public boolean isStoppedEarly() {
        return stoppedEarly;
    }

    /** The epoch whose weights the model ends with after early stopping, or 0. */
    public int restoredEpoch() {
        return restoredEpoch;
    }

    public List<EpochRecord> epochs() {
        return List.copyOf(epochs);
    }

    /** One row per epoch: {@code epoch,loss,accuracy,seconds}, then {@code val_loss,val_accuracy} if validated. */
    public String toCsv() {
        boolean validated = epochs.stream().anyMatch(EpochRecord::hasValidation);
        StringBuilder csv = new StringBuilder("epoch,loss,accuracy,seconds" + (validated ? ",val_loss,val_accuracy" : "") + "\n");
        for (EpochRecord e : epochs) {
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.2f", e.epoch(), e.loss(), e.accuracy(), e.seconds()));
            if (validated) {
                csv.append(String.format(Locale.ROOT, ",%.6f,%.6f", e.valLoss(), e.valAccuracy()));
            }
            csv.append('\n');
        }
        return csv.toString();
    }
}
