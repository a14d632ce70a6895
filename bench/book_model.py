"""Listing 8-1 of "Deep Learning with Python" (2nd ed.), as printed in the book (functional API):
the one Keras definition of the book's MNIST convnet, shared by bench/keras_reference.py,
bench/keras_reference_model.py and scripts/make-keras-fixtures.py, so that the benchmarks, the
serving reference and the interop fixtures cannot drift apart.

Importing this module imports Keras: callers set TF_CPP_MIN_LOG_LEVEL (and whatever else must
precede TensorFlow's import) first.
"""
import keras
from keras import layers


def build():
    """Listing 8-1, uncompiled."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs)
