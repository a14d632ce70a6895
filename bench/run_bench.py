"""scripts/bench: convnet against the book's own Keras code, PyTorch, and the machine's sgemm ceiling.

Every repeat runs, one after the other on the same machine: the sgemm ceiling (bench/sgemm.py,
numpy's OpenBLAS on 2 threads), the convnet benchmark in float32 and in bf16 (330 steps of 64:
steady-state throughput over steps 31-330, then the 10k test set), the book's listings 8-1 to 8-4
with Keras 3 / TensorFlow (bench/keras_reference.py, 330 steps), the PyTorch reference
(bench/pytorch_reference.py), and `convnet summary`. Peak RSS comes from /usr/bin/time -v. The
table shows medians over the repeats; every ratio is between figures of this one run.
With --full it also trains each of them for the book's 5 epochs (batch 64) once, for the test
accuracy and the wall time. A benchmark, not a test: nothing here asserts a time.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

BATCH = 64


def listing_8_1_flops():
    """FLOPs of one training image of listing 8-1 (multiply-add = 2), per layer: forward, weight
    gradient and input gradient of each convolution and of the dense layer. conv1's input gradient
    is not needed (nothing consumes it). Bias, ReLU, pooling and softmax are left out (< 0.3 %)."""
    rows = []
    side, channels = 28, 1
    for filters, pool in ((32, True), (64, True), (128, False)):
        out = side - 2
        macs = out * out * filters * 9 * channels
        data_grad = 0 if channels == 1 else 2 * macs
        rows.append((f"conv {channels}->{filters} {side}x{side}->{out}x{out}", 2 * macs, 2 * macs, data_grad))
        side, channels = (out // 2 if pool else out), filters
    dense = side * side * channels * 10
    rows.append((f"dense {side * side * channels}->10", 2 * dense, 2 * dense, 2 * dense))
    return rows


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (stdout, wall seconds, peak RSS MiB)."""
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{p.stdout}\n{p.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return p.stdout, wall, rss


def last_json(text):
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def precision_ratios(java, data, rounds=9):
    """bench.PrecisionRatio: float32 and bf16 alternated in rounds in one JVM, which a busy host
    disturbs far less than the repeats above (separate processes, minutes apart). On 2 threads the
    wall-time ratio; on one OpenMP thread the CPU-time ratio (all of oneDNN's work on the calling
    thread). Returns (label, ["train 64: 2.00x", ...]) pairs."""
    out = []
    for threads, which, label in (("2", "wall", "2 threads, wall time"), ("1", "CPU time", "1 thread, CPU time")):
        env = dict(os.environ, OMP_NUM_THREADS=threads)
        p = subprocess.run(java + ["dev.convnet.bench.PrecisionRatio", data, str(rounds)], capture_output=True, text=True, env=env)
        lines = []
        for line in p.stdout.splitlines():
            m = re.match(r"(train 64|infer 64|infer 8): bf16 is ([0-9.]+)x float32's speed \(CPU time\), ([0-9.]+)x \(wall\)", line)
            if m:
                lines.append(f"{m.group(1)} {m.group(3) if which == 'wall' else m.group(2)}x")
        if lines:
            out.append((f"{label}, medians of {rounds} rounds", lines))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also train each for 5 epochs, for the test accuracy")
    ap.add_argument("--precisions", default="fp32,bf16", help="convnet precisions to measure")
    ap.add_argument("--reference-python", help="python with TensorFlow and Keras (default: scripts/reference-python's)")
    ap.add_argument("--no-keras", action="store_true")
    ap.add_argument("--no-torch", action="store_true")
    a = ap.parse_args()
    root = a.root
    data = os.path.join(root, "data", "mnist")
    jar = os.path.join(root, "target", "convnet.jar")
    java = ["java", "-Dconvnet.home=" + root]
    java = java + bench_jar_with_cds(root, data)  # TrainBenchmark starts as scripts/convnet starts the CLI
    launcher = os.path.join(root, "scripts", "convnet")
    refpy = a.reference_python or reference_python(root)  # numpy for the ceiling, Keras for the book
    quiet_blas = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    precisions = a.precisions.split(",")
    kernels = subprocess.run(java + ["dev.convnet.bench.KernelList"], capture_output=True, text=True).stdout.strip()
    if "bf16" in precisions and not bf16_available(java, jar):
        print("bench: this CPU has no AVX512_BF16; measuring float32 only", file=sys.stderr)
        precisions.remove("bf16")
    names = {p: f"convnet {p}" for p in precisions}
    if not a.no_torch and not torch_version():
        print("bench: PyTorch is not installed (as root: apt-get install python3-torch); leaving its column out",
              file=sys.stderr)
        a.no_torch = True
    keras, torch = "Keras 3 (book)", "PyTorch " + torch_version()
    columns = list(names.values()) + ([] if a.no_keras else [keras]) + ([] if a.no_torch else [torch])
    cells = {}  # (column, metric) -> [values]
    ceiling = []
    blas = "?"

    def add(column, metrics):
        for k, v in metrics.items():
            if isinstance(v, (int, float)) and v is not None:
                cells.setdefault((column, k), []).append(v)

    started = time.perf_counter()
    for r in range(a.repeats):
        out, _, _ = timed([refpy, os.path.join(root, "bench", "sgemm.py"), "--threads", "2", "--size", "4096",
                           "--repeats", "5"], env=quiet_blas)
        s = last_json(out)
        ceiling.append(s["sgemm_gflops"])
        blas = s["blas"]
        for precision, column in names.items():
            out, _, rss = timed(java + ["dev.convnet.bench.TrainBenchmark", data, "auto", str(BATCH),
                                        "steady", precision])
            m = last_json(out)
            add(column, dict(m, peak_rss_mib=rss, eval_img_s=10000 / m["eval_s"]))
        if not a.no_keras:
            out, _, rss = timed([refpy, os.path.join(root, "bench", "keras_reference.py"), data])
            add(keras, dict(last_json(out), peak_rss_mib=rss))
            _, wall, _ = timed([refpy, os.path.join(root, "bench", "keras_reference.py"), data, "--summary-only"])
            add(keras, {"summary_s": wall})
        if not a.no_torch:
            out, _, rss = timed(["/usr/bin/python3", os.path.join(root, "bench", "pytorch_reference.py"), data,
                                 "--threads", "2"])
            add(torch, dict(last_json(out), peak_rss_mib=rss))
        _, wall, _ = timed([launcher, "summary"])
        for column in names.values():
            add(column, {"summary_s": wall})
        print(f"repeat {r + 1}/{a.repeats} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    if a.full:
        for precision, column in names.items():
            out, wall, rss = timed([launcher, "train", "--epochs", "5", "--batch", str(BATCH), "--seed", "1",
                                    "--precision", precision,
                                    "--output", os.path.join(root, "models", f"bench-{precision}.zip")])
            acc = float(re.search(r"Test accuracy: (\S+)", out).group(1))
            add(column, {"full_accuracy": acc, "full_s": wall, "full_rss_mib": rss})
        if not a.no_keras:
            out, wall, rss = timed([refpy, os.path.join(root, "bench", "keras_reference.py"), data, "--epochs", "5"])
            add(keras, {"full_accuracy": last_json(out)["eval_accuracy"], "full_s": wall, "full_rss_mib": rss})
        if not a.no_torch:
            out, wall, rss = timed(["/usr/bin/python3", os.path.join(root, "bench", "pytorch_reference.py"), data,
                                    "--threads", "2", "--epochs", "5"])
            add(torch, {"full_accuracy": last_json(out)["eval_accuracy"], "full_s": wall, "full_rss_mib": rss})
        print(f"5-epoch runs done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    same_process = precision_ratios(java, data) if "bf16" in precisions and "fp32" in precisions else []

    med = {key: statistics.median(v) for key, v in cells.items()}
    flops = listing_8_1_flops()
    per_image = sum(f + w + d for _, f, w, d in flops)
    gflops = statistics.median(ceiling)
    for column in columns:
        if (column, "train_img_s") in med:
            med[(column, "ceiling_pct")] = 100 * med[(column, "train_img_s")] * per_image / (gflops * 1e9)
            if not a.no_keras:
                med[(column, "vs_keras")] = med[(column, "train_img_s")] / med[(keras, "train_img_s")]

    print(f"\n{cpu_name()}, {os.cpu_count()} CPUs; batch {BATCH}, 2 threads; medians of {a.repeats} repeats"
          f" ({time.strftime('%Y-%m-%d %H:%M %Z')})\n")
    print(kernels + "\n")
    print(f"Machine ceiling: sgemm 4096² float32 on 2 threads = {gflops:.0f} GFLOP/s"
          f" (per repeat: {', '.join(f'{g:.0f}' for g in ceiling)}; {blas})")
    print(f"Training FLOPs per image of listing 8-1 (forward + weight gradient + input gradient):")
    for name, f, w, d in flops:
        print(f"  {name:28} {f:>11,} + {w:>11,} + {d:>11,}")
    print(f"  {'total':28} {per_image:>11,} FLOP = {per_image / 1e6:.2f} MFLOP;"
          f" ceiling = {gflops * 1e9 / per_image:,.0f} images/s\n")
    rows = [("train_img_s", "train img/s", "{:,.0f}"), ("step_ms", "ms/step (64 images)", "{:.2f}"),
            ("ceiling_pct", "% of sgemm ceiling", "{:.0f} %"), ("vs_keras", "× Keras (train img/s)", "{:.2f}"),
            ("eval_img_s", "eval img/s (10k test images)", "{:,.0f}"),
            ("first_batch_s", "start → 1st trained batch s", "{:.2f}"),
            ("first_batch_cpu_s", "start → 1st trained batch, CPU s", "{:.2f}"), ("summary_s", "start → summary printed s", "{:.2f}"),
            ("peak_rss_mib", "peak RSS MiB", "{:,.0f}")]
    if a.full:
        rows += [("full_accuracy", "5 epochs: test accuracy", "{:.4f}"), ("full_s", "5 epochs: wall s (incl. start, test)", "{:.1f}"),
                 ("full_rss_mib", "5 epochs: peak RSS MiB", "{:,.0f}")]
    print("| | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for key, title, fmt in rows:
        print(f"| {title} | " + " | ".join(fmt.format(med[(c, key)]) if (c, key) in med else "–" for c in columns) + " |")
    if "bf16" in names and "fp32" in names:
        print(f"\nbf16 / fp32 training throughput: {med[(names['bf16'], 'train_img_s')] / med[(names['fp32'], 'train_img_s')]:.2f}")
        if a.full:
            print(f"bf16 / fp32 over the 5-epoch runs (wall, start and test included):"
                  f" {med[(names['fp32'], 'full_s')] / med[(names['bf16'], 'full_s')]:.2f}")
        for label, lines in same_process:
            print(f"bf16 / fp32 in one process, alternated ({label}): " + "; ".join(lines))
    print(f"\nbench took {time.perf_counter() - started:.0f} s")


def bench_jar_with_cds(root, data):
    """JVM options to run TrainBenchmark with an AppCDS archive, as scripts/convnet runs the CLI with
    target/convnet.jsa: the benchmark classes go into target/bench/bench.jar (CDS takes jars only),
    and a first run on that class path writes the archive."""
    folder = os.path.join(root, "target", "bench")
    os.makedirs(folder, exist_ok=True)
    bench_jar = os.path.join(folder, "bench.jar")
    subprocess.run(["jar", "cf", bench_jar, "-C", os.path.join(root, "target", "test-classes"), "dev/convnet/bench"], check=True)
    classpath = os.path.join(root, "target", "convnet.jar") + os.pathsep + bench_jar
    archive = os.path.join(folder, "bench.jsa")
    quiet = ["-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    subprocess.run(["java", f"-XX:ArchiveClassesAtExit={archive}"] + quiet + ["-cp", classpath, "dev.convnet.bench.TrainBenchmark",
                    data, "auto", str(BATCH), "first-batch"], capture_output=True, check=True)
    return [f"-XX:SharedArchiveFile={archive}"] + quiet + ["-cp", classpath]


def reference_python(root):
    p = subprocess.run([os.path.join(root, "scripts", "reference-python")], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("bench: scripts/reference-python failed:\n" + p.stderr)
    return p.stdout.strip().splitlines()[-1]


def bf16_available(java, jar):
    p = subprocess.run(java + ["dev.convnet.bench.TrainBenchmark", "--bf16-check"], capture_output=True, text=True)
    return p.returncode == 0


def torch_version():
    try:
        return subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def cpu_name():
    """The CPU's name with its vendor, family and model (e.g. AMD family 25 model 17 is Zen 4, 26 is Zen 5)
    and whether it has AVX512_BF16 and AMX: these VMs change CPU from one day to the next. (KernelList
    prints oneDNN's view too: AMX counts only where oneDNN may use it.)"""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                info.setdefault(key.strip(), value.strip())
    except OSError:
        return "unknown CPU"
    flags = info.get("flags", "").split()
    bf16 = "avx512_bf16" in flags
    amx = "amx_tile" in flags and "amx_bf16" in flags
    return (f"{info.get('model name', 'unknown CPU')} ({info.get('vendor_id', '?')} family {info.get('cpu family', '?')}, "
            f"model {info.get('model', '?')}, {'with' if bf16 else 'without'} AVX512_BF16, {'with' if amx else 'without'} AMX)")


if __name__ == "__main__":
    main()
