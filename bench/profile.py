"""Where a training step's time goes: oneDNN primitive time from DNNL_VERBOSE, and the rest.

Usage: /usr/bin/python3 bench/profile.py ROOT [ENGINE ...] [--precision fp32|bf16] [--threads N]
  engines: auto, dl4j (default: both); --threads sets OMP_NUM_THREADS (default: the machine's 2).
Runs one training epoch (938 steps of 64) with DNNL_VERBOSE=1 and sums the execution time of every
oneDNN primitive by kind, implementation and shape (e.g. 'convolution jit_wino_4x3:avx512_core
forward_training mb64_ic32oc64...'). Both oneDNN copies report there: libnd4j's own (DL4J engine)
and ours. 'Outside oneDNN' is the epoch's wall time minus the primitives: Java, libnd4j glue,
OpenBLAS, softmax, RMSprop. Verbose logging itself slows a step slightly. ROOT can be an older
checkout built with `mvn package`, for a before/after comparison on the same machine.
"""
import argparse
import collections
import os
import re
import subprocess


def profile(root, engine, precision, threads):
    env = dict(os.environ, DNNL_VERBOSE="1")
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    classpath = os.path.join(root, "target", "convnet.jar") + os.pathsep + os.path.join(root, "target", "test-classes")
    cmd = ["java", "-cp", classpath, "dev.convnet.bench.TrainBenchmark", os.path.join(root, "data", "mnist"), engine, "64",
           "train-only", precision]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    steps = 938
    totals = collections.Counter()
    calls = collections.Counter()
    for line in p.stdout.splitlines():
        f = line.split(",")
        if len(f) > 5 and f[0].endswith("_verbose") and f[1] == "exec":
            kind = f[3] if f[3] != "pooling_v2" else "pooling"
            shape = f[-2] if kind in ("convolution", "inner_product", "pooling") else ""
            shape = re.sub(r"^mb\d+_?", "", shape)  # the epoch's last, smaller batch counts with the others
            key = f"{kind} {f[4]} {f[5]} {shape}".replace(" undef", "")
            totals[key] += float(f[-1])
            calls[key] += 1
    result = [line for line in p.stdout.splitlines() if line.startswith("{")]
    if not result:
        raise SystemExit(f"profile: {' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
    epoch_ms = float(re.search(r'"epoch_s": ([\d.]+)', result[-1]).group(1)) * 1000
    return totals, calls, epoch_ms / steps, steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("engines", nargs="*", default=["dl4j", "auto"])
    ap.add_argument("--precision", default="fp32")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    for engine in a.engines:
        totals, calls, step_ms, steps = profile(a.root, engine, a.precision, a.threads)
        inside = sum(totals.values()) / steps
        threads = a.threads or "default"
        print(f"\n{a.root}: engine {engine}, {a.precision}, OMP threads {threads}: {step_ms:.2f} ms/step under DNNL_VERBOSE")
        print(f"  {'oneDNN primitive (kind, implementation, pass, shape)':110} {'calls/step':>10} {'ms/step':>8}")
        for key, total in sorted(totals.items(), key=lambda kv: -kv[1]):
            print(f"  {key:110} {calls[key] / steps:10.1f} {total / steps:8.3f}")
        print(f"  {'all oneDNN primitives':110} {sum(calls.values()) / steps:10.1f} {inside:8.2f}")
        print(f"  {'outside oneDNN (Java, glue, BLAS, update)':110} {'':10} {step_ms - inside:8.2f}")


if __name__ == "__main__":
    main()
