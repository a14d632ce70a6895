"""Builds the book's MNIST convnet (Deep Learning with Python, listing 8-1) in Keras and trains it
for a few epochs on the IDX files, for the serving benchmark's FastAPI reference. Serving cost
does not depend on the weights; training only makes the reference's answers meaningful.
Usage: keras_reference_model.py DATA_DIR OUT.keras EPOCHS
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import book_model  # noqa: E402  (imports Keras: after the environment above)
from mnist_idx import read_idx  # noqa: E402


def main():
    data, out, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    model = book_model.build()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    if epochs > 0:
        images = read_idx(os.path.join(data, "train-images-idx3-ubyte"))[..., None].astype("float32") / 255
        labels = read_idx(os.path.join(data, "train-labels-idx1-ubyte"))
        model.fit(images, labels, epochs=epochs, batch_size=64, verbose=2)
    model.save(out)


if __name__ == "__main__":
    main()
