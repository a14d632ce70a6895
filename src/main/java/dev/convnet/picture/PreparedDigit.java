package dev.convnet.picture;

/**
 * What a picture gives the model: a 28x28 input, or "no digit found" with the reason.
 *
 * @param input 784 values in [0, 1], row after row (NCHW [1, 1, 28, 28] flattened), ink bright on
 *     a 0 background as MNIST; null when there is no digit
 * @param noDigit why nothing was found (e.g. "no digit found: the picture is blank"); null when
 *     {@code input} is set
 */
public record PreparedDigit(float[] input, String noDigit) {
    public PreparedDigit {
        if ((input == null) == (noDigit == null)) {
            throw new IllegalArgumentException("exactly one of input and noDigit");
        }
    }

    static PreparedDigit of(float[] input) {
        return new PreparedDigit(input, null);
    }

    static PreparedDigit none(String why) {
        return new PreparedDigit(null, "no digit found: " + why);
    }

    /** As {@link #none}, for a picture that should hold a garment or shoe (Fashion-MNIST). */
    static PreparedDigit nothing(String why) {
        return new PreparedDigit(null, "nothing found: " + why);
    }

    /** Whether there is a digit to predict. */
    public boolean found() {
        return input != null;
    }
}
