"""The book's Keras run of listing 8-1 with Keras' own TensorBoard callback, into a log folder that
convnet runs (`convnet train --tensorboard LOGDIR`) also write to: TensorBoard then shows both on one
chart, under the same names (epoch_loss, epoch_accuracy, train/ and validation/ sub-folders).

Usage: python bench/keras_tensorboard.py LOGDIR [--limit N] [--epochs N] [--data data/mnist]
(with target/venv's python, made by scripts/reference-python). Reference only, never part of the product.
"""
import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402

import book_model  # noqa: E402
from mnist_idx import read_idx  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("logdir")
    parser.add_argument("--limit", type=int, default=6000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--name", default="keras-listing-8-1")
    args = parser.parse_args()
    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte"))[: args.limit]
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte"))[: args.limit]
    images = images.reshape((-1, 28, 28, 1)).astype("float32") / 255
    keras.utils.set_random_seed(7)
    model = book_model.build()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    board = keras.callbacks.TensorBoard(os.path.join(args.logdir, args.name), histogram_freq=1, update_freq=50)
    model.fit(images, labels, epochs=args.epochs, batch_size=64, validation_split=0.2, callbacks=[board], verbose=2)


if __name__ == "__main__":
    main()
