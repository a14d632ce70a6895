"""Reads an IDX file (MNIST's format) into a numpy array, and says which pixels a Keras model takes:
the one IDX reader of the Python references and benchmarks (bench/keras_reference.py, bench/pytorch_reference.py,
bench/keras_tensorboard.py, bench/keras_reference_model.py, scripts/interop-reference.py,
scripts/make-keras-fixtures.py), which read the same files as convnet rather than downloading the
data set. Format: LeCun et al., "THE MNIST DATABASE of handwritten digits" (a big-endian header of
two zero bytes, the type 0x08 for unsigned bytes and the number of dimensions, then each dimension
as a 32-bit count, then the data).
"""
import numpy as np


def read_idx(path):
    """The file's unsigned bytes shaped by its header: (N, 28, 28) for images, (N,) for labels."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\0\0" or data[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def takes_raw_pixels(model):
    """Whether a Keras model takes MNIST's 0-255 pixels rather than pixels / 255: its first layer
    after its input and augmentation is Rescaling (the book's habit from section 8.2 on)."""
    for layer in model.layers:
        name = type(layer).__name__
        if name == "Sequential":  # a nested block (the book's data_augmentation): its layers count as the model's
            if any(type(inner).__name__ == "Rescaling" for inner in layer.layers):
                return True
            if all(type(inner).__name__.startswith("Random") for inner in layer.layers):
                continue
            return False
        if name != "InputLayer" and not name.startswith("Random"):
            return name == "Rescaling"
    return False
