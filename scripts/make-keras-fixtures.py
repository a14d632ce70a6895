#!/usr/bin/env python3
"""Makes the Keras fixtures of convnet's interop tests with real Keras 3 (TensorFlow CPU).

Trains listing 8-1 of Deep Learning with Python (2nd ed.) and two variants briefly on the IDX files
of data/mnist, then writes for each: NAME.keras (Keras 3 zip), NAME.h5 (legacy HDF5 as Keras 3
writes it) and NAME.predictions.csv (softmax of the first 100 test images, 9 significant digits).
Also chapter 2's dense network on 784-pixel vectors (dense.keras only, uncompiled: 1.6 MB).
Also writes book.keras2.h5, the same weights in Keras 2's legacy HDF5 layout (model_config with
Keras 2's nesting, weights named "kernel:0"), written with h5py because no Keras 2 is installed
here, and unsupported.keras, a small model with layers convnet does not build.

The spellings of listing 8-1 found in the wild (issue 18), each a small network (8 and 16 filters,
a few kB) trained for one epoch on 4,000 images so that the suite stays fast: keras-io-dropout,
dropout-anywhere, rescaling, rescaling-offset, reshape, reshape-sequential, activations, logits,
batchnorm, batchnorm-after-relu, batchnorm-some, batchnorm-dense (1.6 MB: chapter 2's 512 units), augmentation,
nested-augmentation (the book's listing 8-14), relu-after-pool (SPELLINGS below). A model whose first layer is Rescaling takes raw 0-255
pixels; a model that ends in logits has its softmax written to NAME.predictions.csv. Also
keras2.1.h5 and keras2.2.4.h5 (the keras.io example as Keras 2.1 and 2.2.4 wrote Sequential
models: the config a bare list of layers; h5py, no Keras 2 here) and savedmodel/, a TensorFlow
SavedModel directory (model.export), which convnet must recognise and explain.

Run with the venv that scripts/reference-python makes:
    python scripts/make-keras-fixtures.py [--data data/mnist] [--out src/test/resources/keras]
The output is deterministic for a given TensorFlow build (seeded, single-threaded).
"""
import argparse
import json
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

# Listing 8-1 has one definition, shared with the benchmarks; this script runs from scripts/.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "bench"))
import book_model  # noqa: E402
from mnist_idx import read_idx, takes_raw_pixels  # noqa: E402

PREDICTED_IMAGES = 100



def load(data_dir):
    d = pathlib.Path(data_dir)
    x_train = read_idx(d / "train-images-idx3-ubyte").astype("float32")[..., None] / 255
    y_train = read_idx(d / "train-labels-idx1-ubyte").astype("int64")
    x_test = read_idx(d / "t10k-images-idx3-ubyte").astype("float32")[..., None] / 255
    y_test = read_idx(d / "t10k-labels-idx1-ubyte").astype("int64")
    return x_train, y_train, x_test, y_test


def same_k5():
    """Variant: same padding, 5x5 kernels, filters 16,32,64 (functional API)."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(16, 5, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 5, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(64, 5, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def strides2():
    """Variant: strides 2 with same padding (TensorFlow pads the odd pixel at the bottom/right), Sequential."""
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, strides=2, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def dense():
    """Chapter 2's network as the book writes it: Dense layers on flattened 784-pixel vectors, Sequential."""
    return keras.Sequential([
        keras.Input(shape=(28 * 28,)),
        layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


def unsupported():
    """Once refused, now read (tiny, untrained): BatchNormalization after a ReLU, folded forward, and Dropout."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(4, 3, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def body(*tail):
    """Conv2D(8)-MaxPool-Conv2D(16)-MaxPool-Flatten, then tail: the keras.io MNIST example's shape, small."""
    return [layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(2), layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2), layers.Flatten()] + list(tail)


def chain(x, chain_layers):
    for layer in chain_layers:
        x = layer(x)
    return x


def keras_io_dropout():
    """The keras.io MNIST example (Sequential, Dropout(0.5) before the output), with 8 and 16 filters."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1))] + body(layers.Dropout(0.5),
                                                                     layers.Dense(10, activation="softmax")))


def dropout_anywhere():
    """SpatialDropout2D after a convolution, Dropout after a pooling and after Flatten (functional)."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = chain(inputs, [layers.Conv2D(8, 3, activation="relu"), layers.SpatialDropout2D(0.1), layers.MaxPooling2D(2),
                       layers.Dropout(0.25), layers.Conv2D(16, 3, activation="relu"), layers.Flatten(), layers.Dropout(0.4),
                       layers.Dense(10, activation="softmax")])
    return keras.Model(inputs, x)


def rescaling():
    """Rescaling(1/255) first, raw 0-255 pixels in (the book from section 8.2 on), functional."""
    inputs = keras.Input(shape=(28, 28, 1))
    return keras.Model(inputs, chain(inputs, [layers.Rescaling(1.0 / 255)] + body(layers.Dense(10, activation="softmax"))))


def rescaling_offset():
    """Rescaling(1/127.5, offset=-1): pixels to [-1, 1], folded into the first convolution (valid padding)."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Rescaling(1 / 127.5, offset=-1)]
                            + body(layers.Dense(10, activation="softmax")))


def reshape():
    """Input(shape=(28, 28)) then Reshape((28, 28, 1)) (functional)."""
    inputs = keras.Input(shape=(28, 28))
    return keras.Model(inputs, chain(inputs, [layers.Reshape((28, 28, 1))] + body(layers.Dense(10, activation="softmax"))))


def reshape_sequential():
    """A Sequential model whose first layer carries input_shape=(28, 28)."""
    return keras.Sequential([layers.Reshape((28, 28, 1), input_shape=(28, 28))]
                            + body(layers.Dense(10, activation="softmax")))


def activations():
    """Linear Conv2D and Dense with separate Activation("relu"), ReLU() and Softmax() layers."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3), layers.Activation("relu"),
                             layers.MaxPooling2D(2), layers.Conv2D(16, 3), layers.ReLU(), layers.MaxPooling2D(2),
                             layers.Flatten(), layers.Dense(10), layers.Softmax()])


def logits():
    """Dense(10) without softmax, trained with from_logits=True (TensorFlow's tutorials)."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1))] + body(layers.Dense(10)))


def batchnorm():
    """Conv2D(use_bias=False)-BatchNormalization-Activation("relu") twice, as Kaggle's MNIST models write it.
    Momentum 0.9 where the default 0.99 would leave the moving averages near their start after 63 steps."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3, use_bias=False),
                             layers.BatchNormalization(momentum=0.9), layers.Activation("relu"),
                             layers.MaxPooling2D(2),
                             layers.Conv2D(16, 3), layers.BatchNormalization(momentum=0.9, epsilon=1e-5), layers.ReLU(),
                             layers.MaxPooling2D(2), layers.Flatten(), layers.Dropout(0.3),
                             layers.Dense(10), layers.BatchNormalization(momentum=0.9), layers.Activation("softmax")])


def batchnorm_after_relu():
    """BatchNormalization after the ReLU (Conv2D(activation="relu"), BatchNormalization(), MaxPooling2D), folded forward."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3, activation="relu"),
                             layers.BatchNormalization(momentum=0.9), layers.MaxPooling2D(2),
                             layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
                             layers.BatchNormalization(momentum=0.9), layers.Flatten(),
                             layers.Dense(10, activation="softmax")])


def batchnorm_some():
    """BatchNormalization on some convolutions only: before the first one's ReLU (use_bias=False), none on the
    second, after the third one's ReLU (Conv2D(activation="relu"), BatchNormalization(), then Flatten)."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3, use_bias=False),
                             layers.BatchNormalization(momentum=0.9), layers.ReLU(), layers.MaxPooling2D(2),
                             layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
                             layers.Conv2D(16, 3, activation="relu"), layers.BatchNormalization(momentum=0.9, epsilon=1e-4),
                             layers.Flatten(), layers.Dense(10, activation="softmax")])


def batchnorm_dense():
    """Chapter 2's dense network with BatchNormalization after the hidden Dense's ReLU (784-pixel vectors in)."""
    return keras.Sequential([keras.Input(shape=(784,)), layers.Dense(512, activation="relu"),
                             layers.BatchNormalization(momentum=0.9), layers.Dense(10, activation="softmax")])


def augmentation():
    """Keras' augmentation layers inside the model (the book's data_augmentation of section 8.2), then Rescaling."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.RandomRotation(0.1)(inputs)
    x = layers.RandomZoom(0.2)(x)
    x = layers.RandomTranslation(0.1, 0.1)(x)
    x = layers.RandomFlip("horizontal")(x)
    x = chain(x, [layers.Rescaling(1.0 / 255)] + body(layers.Dense(10, activation="softmax")))
    return keras.Model(inputs, x)


def nested_augmentation():
    """The book's listing 8-14: augmentation layers in a nested Sequential named data_augmentation, then Rescaling."""
    augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1), layers.RandomZoom(0.2)],
                               name="data_augmentation")
    inputs = keras.Input(shape=(28, 28, 1))
    x = chain(augment(inputs), [layers.Rescaling(1.0 / 255)] + body(layers.Dense(10, activation="softmax")))
    return keras.Model(inputs, x)


def relu_after_pool():
    """Conv2D without activation, MaxPooling2D, then Activation("relu"): the same function as ReLU before the pooling."""
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3), layers.MaxPooling2D(2),
                             layers.Activation("relu"), layers.Conv2D(16, 3), layers.MaxPooling2D(2), layers.ReLU(),
                             layers.Flatten(), layers.Dense(10, activation="softmax")])


# name, builder, file formats, compile's loss
SPELLINGS = [("keras-io-dropout", keras_io_dropout, ("keras",)), ("dropout-anywhere", dropout_anywhere, ("keras", "h5")),
             ("rescaling", rescaling, ("keras",)), ("rescaling-offset", rescaling_offset, ("keras",)),
             ("reshape", reshape, ("h5",)), ("reshape-sequential", reshape_sequential, ("keras",)),
             ("activations", activations, ("h5",)), ("logits", logits, ("keras",)),
             ("batchnorm", batchnorm, ("keras", "h5")), ("batchnorm-after-relu", batchnorm_after_relu, ("keras",)),
             ("batchnorm-some", batchnorm_some, ("keras", "h5")), ("batchnorm-dense", batchnorm_dense, ("keras",)),
             ("augmentation", augmentation, ("keras",)), ("nested-augmentation", nested_augmentation, ("keras", "h5")),
             ("relu-after-pool", relu_after_pool, ("keras", "h5"))]
SPELLING_IMAGES = 4000


def ends_in_logits(model):
    return model.layers[-1].get_config().get("activation") == "linear"


def model_input(model, x):
    """MNIST test images [N, 28, 28, 1] in [0, 1] as this model takes them (shape, 0-255 or not)."""
    x = x * 255 if takes_raw_pixels(model) else x
    return x.reshape((-1,) + tuple(model.input_shape[1:]))


def make_spellings(x_train, y_train, x_test, y_test, out, only):
    for name, build, formats in SPELLINGS:
        if only and only not in ("spellings", name):
            continue
        keras.backend.clear_session()
        keras.utils.set_random_seed(1)
        model = build()
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=ends_in_logits(model))
        model.compile(optimizer="rmsprop", loss=loss, metrics=["accuracy"])
        model.fit(model_input(model, x_train[:SPELLING_IMAGES]), y_train[:SPELLING_IMAGES], epochs=1, batch_size=64,
                  verbose=0)
        if name == "batchnorm-dense":
            # 409,098 weights: saved uncompiled (no optimiser state), as dense.keras, to keep the fixture small
            weights = model.get_weights()
            keras.backend.clear_session()  # the same layer names again: dense, batch_normalization, dense_1
            model = build()
            model.set_weights(weights)
        for fmt in formats:
            model.save(out / f"{name}.{fmt}")
        test = model_input(model, x_test)
        outputs = model.predict(test, batch_size=500, verbose=0)
        probs = tf.nn.softmax(outputs).numpy() if ends_in_logits(model) else outputs
        np.savetxt(out / f"{name}.predictions.csv", probs[:PREDICTED_IMAGES], fmt="%.9g", delimiter=",")
        accuracy = float((probs.argmax(axis=1) == y_test).mean())
        print(f"{name}: test accuracy {accuracy:.4f} ({', '.join(formats)}, {model.count_params()} parameters)")
        if name == "keras-io-dropout":
            keras_2_sequential(model, out / "keras2.1.h5", "2.1.6")
            keras_2_sequential(model, out / "keras2.2.4.h5", "2.2.4")
            np.savetxt(out / "keras2.predictions.csv", probs[:PREDICTED_IMAGES], fmt="%.9g", delimiter=",")
            saved = out / "savedmodel"
            if saved.exists():
                import shutil
                shutil.rmtree(saved)
            model.export(str(saved), verbose=False)


def keras_2_sequential(model, path, version):
    """A Sequential model as Keras 2.1 and 2.2.4 saved it: model_config's config is the bare list of
    its layers, the first carrying batch_input_shape; layers named conv2d_1, ... and weights
    "conv2d_1/kernel:0" as Keras 2 numbered them."""
    layer_configs = []
    counts = {}
    names = []
    for i, layer in enumerate(model.layers):
        kind = type(layer).__name__
        snake = keras.src.utils.naming.to_snake_case(kind)
        counts[snake] = counts.get(snake, 0) + 1
        name = f"{snake}_{counts[snake]}"
        names.append(name)
        config = dict(layer.get_config())
        config["name"] = name
        config["dtype"] = "float32"
        for key in list(config):
            if isinstance(config[key], dict) and "module" in config[key]:
                config[key] = {"class_name": config[key]["class_name"], "config": config[key].get("config", {})}
        if i == 0:
            config["batch_input_shape"] = [None, 28, 28, 1]
        layer_configs.append({"class_name": kind, "config": config})
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": layer_configs})
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([n.encode() for n in names])
        weights.attrs["backend"] = "tensorflow"
        weights.attrs["keras_version"] = version
        for name, layer in zip(names, model.layers):
            group = weights.create_group(name)
            weight_names = []
            for var, value in zip(layer.weights, layer.get_weights()):
                weight_name = f"{name}/{var.name}:0"
                group.create_dataset(weight_name, data=value)
                weight_names.append(weight_name.encode())
            group.attrs["weight_names"] = np.array(weight_names, dtype=f"S{max([len(n) for n in weight_names] + [1])}")


def keras2_h5(model, path):
    """The model in Keras 2's legacy HDF5 layout (what tf.keras 2.x model.save("x.h5") writes)."""
    layer_configs = []
    previous = None
    weighted = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    for layer in weighted:
        config = dict(layer.get_config())
        config.pop("dtype", None)
        config["dtype"] = "float32"
        entry = {"class_name": type(layer).__name__, "config": config, "name": layer.name,
                 "inbound_nodes": [] if previous is None else [[[previous, 0, 0, {}]]]}
        layer_configs.append(entry)
        previous = layer.name
    input_name = "input_1"
    input_layer = {"class_name": "InputLayer", "name": input_name, "inbound_nodes": [],
                   "config": {"batch_input_shape": [None, 28, 28, 1], "dtype": "float32", "sparse": False,
                              "ragged": False, "name": input_name}}
    layer_configs[0]["inbound_nodes"] = [[[input_name, 0, 0, {}]]]
    model_config = {"class_name": "Functional", "config": {
        "name": "model", "layers": [input_layer] + layer_configs,
        "input_layers": [[input_name, 0, 0]], "output_layers": [[previous, 0, 0]]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(model_config)
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([input_name.encode()] + [l.name.encode() for l in weighted])
        weights.attrs["backend"] = "tensorflow"
        weights.attrs["keras_version"] = "2.15.0"
        weights.create_group(input_name).attrs["weight_names"] = np.array([], dtype="S1")
        for layer in weighted:
            group = weights.create_group(layer.name)
            names = []
            for var, value in zip(layer.weights, layer.get_weights()):
                name = f"{layer.name}/{var.name}:0"
                group.create_dataset(name, data=value)
                names.append(name.encode())
            group.attrs["weight_names"] = np.array(names, dtype=f"S{max([len(n) for n in names] + [1])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--out", default="src/test/resources/keras")
    parser.add_argument("--only", help="make only this fixture (e.g. dense, or 'spellings' for all of SPELLINGS), "
                        "leaving the others as they are")
    args = parser.parse_args()
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(2)
    x_train, y_train, x_test, y_test = load(args.data)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # name, builder, training images, epochs
    plans = [("book", book_model.build, 60000, 1), ("same-k5", same_k5, 10000, 1), ("strides2", strides2, 10000, 1),
             ("dense", dense, 10000, 1), ("unsupported", unsupported, 0, 0)]
    make_spellings(x_train, y_train, x_test, y_test, out, args.only)
    for name, build, images, epochs in plans:
        if args.only and name != args.only or args.only == "spellings":
            continue
        keras.backend.clear_session()  # layer names as in a fresh notebook: conv2d, conv2d_1, ...
        keras.utils.set_random_seed(1)
        model = build()
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        flat = name == "dense"
        train_x, test_x = (x_train.reshape(-1, 784), x_test.reshape(-1, 784)) if flat else (x_train, x_test)
        if images:
            model.fit(train_x[:images], y_train[:images], epochs=epochs, batch_size=128 if flat else 64, verbose=2)
        if flat:
            # 407,050 weights: saved uncompiled (no optimiser state) and as .keras only, to keep the fixture small
            trained = model
            model = dense()
            model.set_weights(trained.get_weights())
        model.save(out / f"{name}.keras")
        if name == "unsupported":
            continue
        if not flat:
            model.save(out / f"{name}.h5")
        probs = model.predict(test_x[:PREDICTED_IMAGES], verbose=0)
        np.savetxt(out / f"{name}.predictions.csv", probs, fmt="%.9g", delimiter=",")
        if flat:
            model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        loss, acc = model.evaluate(test_x, y_test, verbose=0)
        print(f"{name}: test accuracy {acc:.4f}, test loss {loss:.4f}")
        if name == "book":
            keras2_h5(model, out / "book.keras2.h5")


if __name__ == "__main__":
    main()
