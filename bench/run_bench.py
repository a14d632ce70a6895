"""Runs convnet and the PyTorch reference side by side and prints medians and ratios.

Each repeat runs, one after the other on the same machine: the convnet benchmark (one epoch,
steady-state throughput, 10k evaluation), the PyTorch reference doing the same, and
`convnet summary`. Peak RSS comes from /usr/bin/time -v. With --full it also times a whole
`convnet train --epochs 5 --batch 64` run once (wall time, peak RSS, test accuracy).
A benchmark, not a test: nothing here asserts a time.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (stdout, wall seconds, peak RSS MiB)."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{p.stdout}\n{p.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return p.stdout, wall, rss


def last_json(text):
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also time a full 5-epoch training run")
    ap.add_argument("--engines", default="auto", help="convnet engines to measure, e.g. auto,dl4j")
    a = ap.parse_args()
    root = a.root
    data = os.path.join(root, "data", "mnist")
    jar = os.path.join(root, "target", "convnet.jar")
    java = ["java", "-Dconvnet.home=" + root]
    engines = a.engines.split(",")

    rows = {}  # name -> metric -> [values]

    def add(name, metrics):
        for k, v in metrics.items():
            if isinstance(v, (int, float)):
                rows.setdefault(name, {}).setdefault(k, []).append(v)

    for r in range(a.repeats):
        for engine in engines:
            out, _, rss = timed(java + ["-cp", jar + os.pathsep + os.path.join(root, "target", "test-classes"), "dev.convnet.bench.TrainBenchmark", data, engine])
            m = last_json(out)
            m["peak_rss_mib"] = rss
            add(f"convnet ({m['engine']})", m)
        out, _, rss = timed(["/usr/bin/python3", os.path.join(root, "bench", "pytorch_reference.py"), data,
                             "--threads", "2", "--epoch"])
        m = last_json(out)
        m["peak_rss_mib"] = rss
        add("PyTorch " + torch_version(), m)
        _, wall, rss = timed(java + ["-jar", jar, "summary"])
        add("convnet summary", {"wall_s": wall, "peak_rss_mib": rss})
        print(f"repeat {r + 1}/{a.repeats} done", file=sys.stderr)

    med = {name: {k: statistics.median(v) for k, v in metrics.items()} for name, metrics in rows.items()}
    cols = [("train_img_s", "train img/s", "{:,.0f}"), ("step_ms", "ms/step", "{:.1f}"),
            ("epoch_s", "epoch s", "{:.1f}"), ("eval_s", "eval 10k s", "{:.2f}"),
            ("first_batch_s", "start→1st batch s", "{:.2f}"), ("peak_rss_mib", "peak RSS MiB", "{:,.0f}"),
            ("wall_s", "wall s", "{:.2f}")]
    print(f"\nMedians of {a.repeats} repeats, batch 64, 2 threads, {os.cpu_count()} CPUs ({cpu_name()})\n")
    header = f"{'':34}" + "".join(f"{title:>19}" for _, title, _ in cols)
    print(header)
    for name, m in med.items():
        print(f"{name:34}" + "".join(f"{(fmt.format(m[k]) if k in m else '-'):>19}" for k, _, fmt in cols))

    torch_row = next(m for n, m in med.items() if n.startswith("PyTorch"))
    print()
    for name, m in med.items():
        if name.startswith("convnet (") and "train_img_s" in m:
            print(f"{name}: convnet/PyTorch ratios (above 1 means convnet is faster): "
                  f"training throughput {m['train_img_s'] / torch_row['train_img_s']:.2f}, "
                  f"epoch {torch_row['epoch_s'] / m['epoch_s']:.2f}, "
                  f"evaluation {torch_row['eval_s'] / m['eval_s']:.2f}")

    if a.full:
        out, wall, rss = timed([os.path.join(root, "scripts", "convnet"), "train", "--epochs", "5", "--batch", "64",
                                "--seed", "1", "--output", os.path.join(root, "models", "bench-model.zip")])
        acc = re.search(r"Test accuracy: (\S+)", out).group(1)
        print(f"\nconvnet train --epochs 5 --batch 64: wall {wall:.1f} s, peak RSS {rss:,.0f} MiB, test accuracy {acc}")


def torch_version():
    try:
        return subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
