"""Where a training step's time goes, per engine: oneDNN primitive time from DNNL_VERBOSE, the rest.

Usage: /usr/bin/python3 bench/profile.py ROOT [ENGINE ...]   (engines: auto, dl4j; default both)
Runs one training epoch (938 steps of 64) with DNNL_VERBOSE=1 and sums the execution time of every
oneDNN primitive by kind. Both oneDNN copies report there: libnd4j's own (DL4J engine) and ours.
'Outside oneDNN' is the epoch's wall time minus the primitives: Java, libnd4j glue, OpenBLAS,
softmax, RMSprop. Verbose logging itself slows a step slightly.
"""
import collections
import os
import re
import subprocess
import sys


def profile(root, engine):
    env = dict(os.environ, DNNL_VERBOSE="1")
    cmd = ["java", "-cp", os.path.join(root, "target", "convnet.jar") + os.pathsep + os.path.join(root, "target", "test-classes"), "dev.convnet.bench.TrainBenchmark",
           os.path.join(root, "data", "mnist"), engine, "64", "train-only"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    steps = 938
    totals = collections.Counter()
    calls = collections.Counter()
    for line in p.stdout.splitlines():
        f = line.split(",")
        if len(f) > 5 and f[0].endswith("_verbose") and f[1] == "exec":
            kind = f[3] if f[3] != "pooling_v2" else "pooling"
            key = f"{kind} {f[5]}".replace(" undef", "")
            totals[key] += float(f[-1])
            calls[key] += 1
    result = [line for line in p.stdout.splitlines() if line.startswith("{")]
    epoch_ms = float(re.search(r'"epoch_s": ([\d.]+)', result[-1]).group(1)) * 1000 if result else float("nan")
    return totals, calls, epoch_ms / steps, steps


def main():
    root = sys.argv[1]
    engines = sys.argv[2:] or ["dl4j", "auto"]
    for engine in engines:
        totals, calls, step_ms, steps = profile(root, engine)
        inside = sum(totals.values()) / steps
        print(f"\nengine {engine}: {step_ms:.1f} ms/step under DNNL_VERBOSE")
        print(f"  {'oneDNN primitive':40} {'calls/step':>10} {'ms/step':>8}")
        for key, total in sorted(totals.items(), key=lambda kv: -kv[1]):
            print(f"  {key:40} {calls[key] / steps:10.1f} {total / steps:8.2f}")
        print(f"  {'all oneDNN primitives':40} {sum(calls.values()) / steps:10.1f} {inside:8.2f}")
        print(f"  {'outside oneDNN (Java, glue, BLAS, update)':40} {'':10} {step_ms - inside:8.2f}")


if __name__ == "__main__":
    main()
