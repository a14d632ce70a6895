"""Reads an IDX file (MNIST's format) into a numpy array: the one reader of the benchmark
references (bench/keras_reference.py, bench/pytorch_reference.py), which read the same files as
convnet rather than downloading the data set.
"""
import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
