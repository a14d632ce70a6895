#!/usr/bin/env python3
"""Trains, with real Keras 3, an MNIST model written as Kaggle's are, to show convnet fine-tuning it.

--placement before-relu (the default): Conv2D(32, 3, use_bias=False), BatchNormalization, ReLU,
MaxPooling2D, Conv2D(64, 3, use_bias=False), BatchNormalization, ReLU, MaxPooling2D, Flatten,
Dropout(0.5), Dense(10, softmax): what convnet builds as `train --filters 32,64 --pool-last
--batch-norm --dropout 0.5`. --placement after-relu: Conv2D(32, 3, activation="relu"),
BatchNormalization, MaxPooling2D, Conv2D(64, 3, activation="relu"), BatchNormalization,
MaxPooling2D, Flatten, Dropout(0.5), Dense(10, softmax), the other common spelling. Trained briefly
(one epoch on the first --images training images, RMSprop, batch 64, seeded) so that fine-tuning has
something to add; prints Keras' own accuracy on the 10,000 test images and saves OUT (a .keras file).

--fine-tune-seeds 1,2,3 then fine-tunes OUT in Keras as `convnet import OUT --seed N` and
`convnet train --resume` do: one epoch on the 60,000 training images, batch 64, a fresh
RMSprop(0.001), seed N; prints training loss and accuracy and test accuracy for each seed.

Run with the venv that scripts/reference-python makes:
    python scripts/make-keras-batchnorm-dropout.py [--data data/mnist] [--images 10000] [--out target/bn-dropout.keras]
        [--placement before-relu|after-relu] [--fine-tune-seeds 1,2,3]
Then: convnet evaluate OUT; convnet import OUT -o imported.zip; convnet train --resume imported.zip.
"""
import argparse
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "bench"))
from mnist_idx import read_idx  # noqa: E402


def build(placement):
    if placement == "after-relu":
        convs = [layers.Conv2D(32, 3, activation="relu"), layers.BatchNormalization(), layers.MaxPooling2D(2),
                 layers.Conv2D(64, 3, activation="relu"), layers.BatchNormalization(), layers.MaxPooling2D(2)]
    else:
        convs = [layers.Conv2D(32, 3, use_bias=False), layers.BatchNormalization(), layers.ReLU(), layers.MaxPooling2D(2),
                 layers.Conv2D(64, 3, use_bias=False), layers.BatchNormalization(), layers.ReLU(), layers.MaxPooling2D(2)]
    return keras.Sequential([keras.Input(shape=(28, 28, 1))] + convs
                            + [layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")])


def fine_tune(path, seed, x_train, y_train, x_test, y_test):
    """One epoch on all training images from the saved model, a fresh RMSprop: what convnet's train --resume does."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model = keras.models.load_model(path)
    model.compile(optimizer=keras.optimizers.RMSprop(0.001), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=1, batch_size=64, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Keras fine-tune, seed {seed}: training loss {history.history['loss'][-1]:.4f}, accuracy "
          f"{history.history['accuracy'][-1]:.4f}; test loss {loss:.4f}, test accuracy {accuracy:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--out", default="target/bn-dropout.keras")
    parser.add_argument("--placement", choices=["before-relu", "after-relu"], default="before-relu")
    parser.add_argument("--fine-tune-seeds", default="", help="e.g. 1,2,3: fine-tune OUT in Keras with each seed")
    args = parser.parse_args()
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(2)
    d = pathlib.Path(args.data)
    x_train = read_idx(d / "train-images-idx3-ubyte").astype("float32")[..., None] / 255
    y_train = read_idx(d / "train-labels-idx1-ubyte").astype("int64")
    x_test = read_idx(d / "t10k-images-idx3-ubyte").astype("float32")[..., None] / 255
    y_test = read_idx(d / "t10k-labels-idx1-ubyte").astype("int64")
    keras.utils.set_random_seed(1)
    model = build(args.placement)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train[:args.images], y_train[:args.images], epochs=1, batch_size=64, verbose=2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    print(f"{out}: Keras {keras.__version__} test accuracy {accuracy:.4f}, test loss {loss:.4f} "
          f"({model.count_params()} parameters, trained on {args.images} images for 1 epoch)")
    for seed in [int(s) for s in args.fine_tune_seeds.split(",") if s]:
        fine_tune(out, seed, x_train, y_train, x_test, y_test)


if __name__ == "__main__":
    main()
