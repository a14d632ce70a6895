package dev.convnet.eval;

/**
 * The outcome of evaluating a model on a labelled set.
 *
 * @param loss mean sparse categorical cross-entropy
 * @param confusion counts, {@code confusion[actual][predicted]}
 * @param predicted the predicted class of every image, in order (empty when not kept)
 */
public record EvaluationResult(double loss, long[][] confusion, int[] predicted) {

    public EvaluationResult(double loss, long[][] confusion) {
        this(loss, confusion, new int[0]);
    }

    public int classes() {
        return confusion.length;
    }

    public long total() {
        long n = 0;
        for (long[] row : confusion) {
            for (long c : row) {
                n += c;
            }
        }
        return n;
    }

    public long correct() {
        long n = 0;
        for (int i = 0; i < confusion.length; i++) {
            n += confusion[i][i];
        }
        return n;
    }

    public double accuracy() {
        return total() == 0 ? 0 : (double) correct() / total();
    }

    /** Of the images predicted as {@code c}, the fraction that really are {@code c}. */
    public double precision(int c) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    /** Of the images that really are {@code c}, the fraction predicted as {@code c}. */
    public double recall(int c) {
        long actual = 0;
        for (long n : confusion[c]) {
            actual += n;
        }
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * Whether class {@code c} is a true or a predicted class of at least one image: the classes
     * scikit-learn's {@code classification_report} lists and averages over ({@code unique_labels(y_true, y_pred)}).
     */
    public boolean occurs(int c) {
        if (support(c) > 0) {
            return true;
        }
        for (long[] row : confusion) {
            if (row[c] > 0) {
                return true;
            }
        }
        return false;
    }

    /** Number of images whose true class is {@code c}. */
    public long support(int c) {
        long actual = 0;
        for (long n : confusion[c]) {
            actual += n;
        }
        return actual;
    }
}
