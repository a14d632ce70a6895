"""Epoch time with and without `train --live` (issue 21's target: within 3 %), with a page watching.

Runs the same short training (same seed, same images) alternately without and with --live, REPEATS
times each; during a --live run a client reads the page's event stream the whole time, as a browser
would, and closes the page at the end. Prints a markdown table of median seconds per epoch (from the
run's history file: the epoch loop alone) and wall seconds per run (start-up and the per-epoch
evaluation of the live page included), and the ratio live/plain of each.

Usage: python3 bench/live_bench.py ROOT [--limit N] [--epochs N] [--repeats N]
"""
import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def watch(url, stop):
    """Reads the event stream like a browser until told to stop."""
    try:
        with urllib.request.urlopen(url + "events", timeout=600) as stream:
            while not stop.is_set():
                if not stream.readline():
                    break
    except OSError:
        pass


def run(root, folder, limit, epochs, live):
    model = os.path.join(folder, ("live" if live else "plain") + ".zip")
    cmd = [os.path.join(root, "scripts/convnet"), "train", "--limit", str(limit), "--epochs", str(epochs),
           "--seed", "7", "-o", model]
    if live:
        cmd += ["--live", "--port", "0"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stop = threading.Event()
    watcher = None
    for line in proc.stdout:
        m = re.search(r"Live page: (http://127\.0\.0\.1:\d+/)", line)
        if m and watcher is None:
            watcher = threading.Thread(target=watch, args=(m.group(1), stop), daemon=True)
            watcher.start()
        if "stays at" in line:
            wall = time.monotonic() - start
            stop.set()
            urllib.request.urlopen(urllib.request.Request(m_url(line) + "stop", method="POST", headers={"X-Convnet-Action": "stop"}), timeout=30).read()
            break
    else:
        wall = time.monotonic() - start
    proc.wait(timeout=600)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed with exit {proc.returncode}")
    with open(model[:-4] + ".history.csv") as f:
        seconds = [float(row["seconds"]) for row in csv.DictReader(f)]
    return statistics.median(seconds), wall


def m_url(line):
    return re.search(r"(http://127\.0\.0\.1:\d+/)", line).group(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--limit", type=int, default=6400)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {False: [], True: []}
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.repeats):
            for live in (False, True):  # alternating, so that a change in the machine's load hits both
                results[live].append(run(args.root, folder, args.limit, args.epochs, live))
                print(f"run {i + 1} {'live ' if live else 'plain'}: epoch {results[live][-1][0]:.2f} s, "
                      f"wall {results[live][-1][1]:.1f} s", file=sys.stderr)
    plain_epoch = statistics.median(r[0] for r in results[False])
    live_epoch = statistics.median(r[0] for r in results[True])
    plain_wall = statistics.median(r[1] for r in results[False])
    live_wall = statistics.median(r[1] for r in results[True])
    print(f"| {args.limit} images x {args.epochs} epochs, median of {args.repeats} | without --live | with --live (a page reading) | live / plain |")
    print("|---|---:|---:|---:|")
    print(f"| seconds per epoch (the loop) | {plain_epoch:.2f} | {live_epoch:.2f} | {live_epoch / plain_epoch:.3f} |")
    print(f"| seconds per run (start to saved) | {plain_wall:.1f} | {live_wall:.1f} | {live_wall / plain_wall:.3f} |")


if __name__ == "__main__":
    main()
