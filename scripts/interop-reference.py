#!/usr/bin/env python3
"""Runs a model exported by convnet in the real thing and writes its softmax on MNIST test images.

    interop-reference.py keras   MODEL.keras            --data DIR --images N --out FILE
    interop-reference.py weights MODEL.keras W.weights.h5 --data DIR --images N --out FILE
    interop-reference.py onnx    MODEL.onnx             --data DIR --images N --out FILE
    interop-reference.py --jobs JOBS.tsv                --data DIR --images N

JOBS.tsv runs many in one Python start-up (TensorFlow takes seconds to load): one job a line,
"mode<TAB>model<TAB>weights or -<TAB>out".

keras:   keras.models.load_model (Keras 3), input NHWC [N, 28, 28, 1] or the model's own input shape
         ((28, 28), (784,)); a model whose first layer (after augmentation) is Rescaling gets raw 0-255
         pixels, and a model that ends in logits (a linear last layer) has softmax applied to its output.
weights: a fresh copy of MODEL.keras' architecture (weights re-initialised), then load_weights(W).
onnx:    onnx.checker.check_model, then ONNX Runtime, input NCHW [N, 1, 28, 28].
Pixels are divided by 255, as convnet does. FILE gets float32 little-endian [N, 10]; one line on
stdout says what ran and the test accuracy on those N images. Used by convnet's interop tests
(with the venv of scripts/reference-python) and for the 10,000-image exactness figures.
"""
import argparse
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402

# The one IDX reader of the references lives with the benchmarks; this script runs from scripts/.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "bench"))
from mnist_idx import read_idx, takes_raw_pixels  # noqa: E402


def run(mode, model_path, weights, x, y, out):
    if mode == "onnx":
        import onnx
        import onnxruntime as ort
        onnx.checker.check_model(onnx.load(model_path), full_check=True)
        session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
        probs = session.run(None, {session.get_inputs()[0].name: x[:, None, :, :]})[0]
        what = f"onnxruntime {ort.__version__}"
    else:
        import keras
        model = keras.models.load_model(model_path)
        if mode == "weights":
            model = keras.models.clone_model(model)
            model.load_weights(weights)
        raw = takes_raw_pixels(model)
        inputs = (x * 255 if raw else x).reshape((-1,) + tuple(model.input_shape[1:]))
        probs = model.predict(inputs, batch_size=500, verbose=0)
        logits = model.layers[-1].get_config().get("activation") == "linear"
        if logits:
            import tensorflow as tf
            probs = tf.nn.softmax(probs).numpy()
        what = f"keras {keras.__version__} {mode}" + (", raw pixels" if raw else "") + (", softmax of logits" if logits else "")
    probs = np.asarray(probs, dtype="<f4")
    pathlib.Path(out).write_bytes(probs.tobytes())
    accuracy = float((probs.argmax(axis=1) == y).mean())
    print(f"{model_path}: {what}: {len(y)} images, accuracy {accuracy:.4f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", choices=["keras", "weights", "onnx"])
    parser.add_argument("model", nargs="?")
    parser.add_argument("weights", nargs="?")
    parser.add_argument("--jobs")
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--out")
    args = parser.parse_args()
    d = pathlib.Path(args.data)
    x = read_idx(d / "t10k-images-idx3-ubyte")[:args.images].astype("float32") / 255
    y = read_idx(d / "t10k-labels-idx1-ubyte")[:args.images].astype("int64")
    if args.jobs:
        for line in pathlib.Path(args.jobs).read_text().splitlines():
            if line.strip():
                mode, model, weights, out = line.split("\t")
                run(mode, model, None if weights == "-" else weights, x, y, out)
    elif args.mode and args.model and args.out:
        run(args.mode, args.model, args.weights, x, y, args.out)
    else:
        parser.error("give MODE MODEL [WEIGHTS] --out FILE, or --jobs FILE")


if __name__ == "__main__":
    sys.exit(main())
