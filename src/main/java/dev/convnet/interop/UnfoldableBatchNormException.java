package dev.convnet.interop;

/**
 * A BatchNormalization that cannot be folded into the layer after it without changing what the
 * model computes (a negative scale through a max pooling, a shift under 'same' padding). Reading a
 * file for inference then keeps it as a layer instead, as {@code import} does.
 */
public class UnfoldableBatchNormException extends InteropException {
    public UnfoldableBatchNormException(String message) {
        super(message);
    }
}
