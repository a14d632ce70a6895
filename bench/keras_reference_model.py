"""Builds the book's MNIST convnet (Deep Learning with Python, listing 8-1) in Keras and trains it
for a few epochs on the IDX files, for the serving benchmark's FastAPI reference. Serving cost
does not depend on the weights; training only makes the reference's answers meaningful.
Usage: keras_reference_model.py DATA_DIR OUT.keras EPOCHS
"""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
from keras import layers  # noqa: E402


def idx(path, offset, shape):
    with open(path, "rb") as f:
        return np.frombuffer(f.read()[offset:], dtype=np.uint8).reshape(shape)


def main():
    data, out, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    if epochs > 0:
        images = idx(os.path.join(data, "train-images-idx3-ubyte"), 16, (-1, 28, 28, 1)).astype("float32") / 255
        labels = idx(os.path.join(data, "train-labels-idx1-ubyte"), 8, (-1,))
        model.fit(images, labels, epochs=epochs, batch_size=64, verbose=2)
    model.save(out)


if __name__ == "__main__":
    main()
