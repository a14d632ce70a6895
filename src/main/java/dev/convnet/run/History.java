package dev.convnet.run;

import java.util.List;
import java.util.Locale;

/**
 * Per-epoch training metrics, in order, like the {@code History} object Keras' fit returns.
 *
 * @param stoppedEarly true when early stopping ended training before the last epoch
 * @param restoredEpoch the epoch whose weights the model ends with after early stopping, or 0
 */
public record History(List<EpochRecord> epochs, boolean stoppedEarly, int restoredEpoch) {
    /** How {@link #toCsv} opens: a file that does not is no history table of convnet's. */
    public static final String CSV_HEADER_START = "epoch,loss,accuracy";

    public History {
        epochs = List.copyOf(epochs);
    }

    /** Epochs that ran to the end, with the last weights kept. */
    public History(List<EpochRecord> epochs) {
        this(epochs, false, 0);
    }

    public boolean isStoppedEarly() {
        return stoppedEarly;
    }

    /** One row per epoch: {@code epoch,loss,accuracy,seconds}, then {@code val_loss,val_accuracy} if validated. */
    public String toCsv() {
        boolean validated = epochs.stream().anyMatch(EpochRecord::hasValidation);
        StringBuilder csv = new StringBuilder(CSV_HEADER_START + ",seconds" + (validated ? ",val_loss,val_accuracy" : "") + "\n");
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
