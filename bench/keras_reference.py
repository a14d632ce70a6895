"""The book's own code as a reference for scripts/bench: listings 8-1 to 8-4 of "Deep Learning with
Python" (2nd ed.), run with Keras 3 / TensorFlow CPU from scripts/reference-python's venv.

The only change to the book's code: the images come from the same IDX files convnet reads
(data/mnist) instead of keras.datasets.mnist.load_data(), which would download them.
Prints one line of JSON with its timings, like bench/pytorch_reference.py.
Usage: python keras_reference.py DATA_DIR [--steps 300] [--warmup 30] [--epochs 5] [--summary-only]
  default: trains (warmup + steps) batches of 64 for the steady-state rate, then evaluates;
  --epochs N: the book's fit(epochs=N, batch_size=64) on all 60,000 images, then evaluate.
"""
import argparse
import json
import os
import time

T0 = time.time()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from mnist_idx import read_idx


def load(data):
    """Listing 8-3's data preparation, from local IDX files."""
    train_images = read_idx(os.path.join(data, "train-images-idx3-ubyte"))
    train_labels = read_idx(os.path.join(data, "train-labels-idx1-ubyte"))
    test_images = read_idx(os.path.join(data, "t10k-images-idx3-ubyte"))
    test_labels = read_idx(os.path.join(data, "t10k-labels-idx1-ubyte"))
    train_images = train_images.reshape((60000, 28, 28, 1))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((10000, 28, 28, 1))
    test_images = test_images.astype("float32") / 255
    return train_images, train_labels.astype("int64"), test_images, test_labels.astype("int64")


def build():
    """Listing 8-1, from bench/book_model.py (which imports Keras: it stays imported here, after the
    argument parsing, as it always was)."""
    import book_model
    return book_model.build()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--epochs", type=int, default=0)
    p.add_argument("--summary-only", action="store_true")
    a = p.parse_args()

    model = build()
    if a.summary_only:
        model.summary()
        print(json.dumps({"summary_s": time.time() - T0}))
        return
    import keras

    class Clock(keras.callbacks.Callback):
        first_batch = None
        start = end = None
        seen = 0

        def on_train_batch_end(self, batch, logs=None):
            self.seen += 1
            now = time.perf_counter()
            if self.seen == 1:
                self.first_batch = time.time() - T0
            if self.seen == a.warmup:
                self.start = now
            if self.seen == a.warmup + a.steps:
                self.end = now

    train_images, train_labels, test_images, test_labels = load(a.data)
    # Listing 8-2
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    clock = Clock()
    result = {}
    if a.epochs:
        t = time.perf_counter()
        model.fit(train_images, train_labels, epochs=a.epochs, batch_size=a.batch, callbacks=[clock], verbose=0)
        result["train_s"] = time.perf_counter() - t
    else:
        n = a.batch * (a.warmup + a.steps)
        model.fit(train_images[:n], train_labels[:n], epochs=1, batch_size=a.batch, callbacks=[clock], verbose=0)
    result["first_batch_s"] = clock.first_batch
    result["train_img_s"] = a.steps * a.batch / (clock.end - clock.start)
    result["step_ms"] = (clock.end - clock.start) / a.steps * 1000

    # Listing 8-4, timed after a warm-up call that builds the evaluation graph
    model.evaluate(test_images[:256], test_labels[:256], batch_size=256, verbose=0)
    t = time.perf_counter()
    test_loss, test_acc = model.evaluate(test_images, test_labels, batch_size=256, verbose=0)
    result["eval_s"] = time.perf_counter() - t
    result["eval_img_s"] = len(test_images) / result["eval_s"]
    result["eval_accuracy"] = test_acc
    print(json.dumps(result))


if __name__ == "__main__":
    main()
