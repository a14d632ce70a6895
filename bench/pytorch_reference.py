"""PyTorch reference for scripts/bench: the same convnet, optimiser, batch and thread count.

Reads the same IDX files as convnet. Prints one line of JSON with its timings.
Usage: python3 pytorch_reference.py DATA_DIR [--threads 2] [--batch 64] [--steps 300] [--warmup 30] [--epoch] [--epochs N]
  --epochs N: instead of the steady-state measurement, N shuffled epochs (the book's 5-epoch run), timed,
  then the test accuracy.
"""
import argparse
import json
import os
import time

T0 = time.time()

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from mnist_idx import read_idx


class ConvNet(nn.Module):
    """Listing 8-1: 3x Conv2D(3x3, relu), 2x MaxPool(2), Flatten, Dense(10, softmax)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3)
        self.c2 = nn.Conv2d(32, 64, 3)
        self.c3 = nn.Conv2d(64, 128, 3)
        self.fc = nn.Linear(1152, 10)
        for m in (self.c1, self.c2, self.c3, self.fc):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.c3(x))
        return self.fc(torch.flatten(x, 1))


def full_run(epochs, batch, x, y):
    """The book's fit(epochs, batch_size): shuffled epochs from fresh weights; returns the trained model."""
    model = ConvNet()
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(x.shape[0])
        for s in range(0, x.shape[0], batch):
            idx = perm[s:s + batch]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--epoch", action="store_true", help="also time one full epoch")
    p.add_argument("--epochs", type=int, default=0, help="train this many epochs instead, for the test accuracy")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    x = torch.from_numpy(read_idx(os.path.join(a.data, "train-images-idx3-ubyte")).astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(read_idx(os.path.join(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    xt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte")).astype(np.float32) / 255).unsqueeze(1)
    yt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))

    model = ConvNet()
    # Keras RMSprop: lr 0.001, rho 0.9, epsilon 1e-7
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    if a.epochs:
        t = time.perf_counter()
        model = full_run(a.epochs, a.batch, x, y)
        result = {"train_s": time.perf_counter() - t}
    else:
        result = steady_state(a, model, opt, x, y)
    evaluate(model, xt, yt, result)
    print(json.dumps(result))


def steady_state(a, model, opt, x, y):
    n = x.shape[0]
    first_batch = None

    def step(i):
        s = (i * a.batch) % (n - a.batch)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x[s:s + a.batch]), y[s:s + a.batch])
        loss.backward()
        opt.step()

    model.train()
    for i in range(a.warmup):
        step(i)
        if first_batch is None:
            first_batch = time.time() - T0
    t = time.perf_counter()
    for i in range(a.steps):
        step(a.warmup + i)
    steady = time.perf_counter() - t
    result = {"first_batch_s": first_batch, "train_img_s": a.steps * a.batch / steady,
              "step_ms": steady / a.steps * 1000}

    if a.epoch:
        t = time.perf_counter()
        perm = torch.randperm(n)
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
        result["epoch_s"] = time.perf_counter() - t
    return result


def evaluate(model, xt, yt, result):
    model.eval()
    t = time.perf_counter()
    correct = 0
    with torch.no_grad():
        for s in range(0, xt.shape[0], 256):
            correct += (model(xt[s:s + 256]).argmax(1) == yt[s:s + 256]).sum().item()
    result["eval_s"] = time.perf_counter() - t
    result["eval_img_s"] = xt.shape[0] / result["eval_s"]
    result["eval_accuracy"] = correct / xt.shape[0]


if __name__ == "__main__":
    main()
