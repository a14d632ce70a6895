"""Serving benchmark: `convnet serve` against the book's Keras model behind FastAPI + uvicorn.

Both servers answer POST /predict for the same real MNIST digit PNG, driven by `hey` at 1, 16
and 64 concurrent clients. For each: requests/s, p50 and p99 latency, failed requests (anything
but 200) and the server's peak RSS (VmHWM from /proc). Then convnet at twice the load its queue
is sized for (--queue Q, 2Q clients), to show what back-pressure does. A benchmark, not a test:
nothing here asserts a time. Run it on a quiet machine; compare ratios from one run.
"""
import argparse
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def digit_png(data_dir, index, path):
    """Test image `index` of MNIST as an 8-bit greyscale PNG, written with zlib (no imaging library)."""
    with open(os.path.join(data_dir, "t10k-images-idx3-ubyte"), "rb") as f:
        f.seek(16 + 784 * index)
        pixels = f.read(784)
    raw = b"".join(b"\x00" + pixels[r * 28:(r + 1) * 28] for r in range(28))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def wait_healthy(url, process, seconds=180):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"bench-serve: the server exited with {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"bench-serve: {url} not healthy after {seconds} s")


def predict_once(url, png):
    request = urllib.request.Request(url + "/predict", data=png, headers={"Content-Type": "image/png"})
    with urllib.request.urlopen(request, timeout=30) as r:
        return r.read().decode()


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def hey(url, png_path, requests, clients):
    out = subprocess.run(["hey", "-n", str(requests), "-c", str(clients), "-m", "POST", "-T", "image/png",
                          "-D", png_path, url + "/predict"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = float(re.search(r"50%+ in ([\d.]+) secs", out).group(1)) * 1000
    p99 = float(re.search(r"99%+ in ([\d.]+) secs", out).group(1)) * 1000
    statuses = {int(code): int(n) for code, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", out)}
    errors = sum(int(n) for n in re.findall(r"\[(\d+)\]\s+(?:Post|Get|dial|read)", out))
    ok = statuses.get(200, 0)
    # hey sends requests // clients per client, so the total can be a little under `requests`
    return {"rps": rps, "p50": p50, "p99": p99, "ok": ok, "sent": sum(statuses.values()) + errors,
            "failed": sum(statuses.values()) - ok + errors, "statuses": statuses, "errors": errors}


def compiler_cpu_s(pid):
    """CPU seconds the JVM's JIT compiler threads ("C1/C2 CompilerThread") have used; 0 for other servers."""
    ticks = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                if "CompilerThre" not in f.read():
                    continue
            with open(f"/proc/{pid}/task/{task}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        except OSError:
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


# On two cores HotSpot's C2 compiles the request path (Jetty, Javalin, ImageIO, the preparation)
# over tens of thousands of requests, taking a core's share from the server while it does: on AMD
# Zen 5 a server was at 1,740-2,360 requests/s for its first 50,000 and 2,700-2,900 after. Rows
# are meant as the steady state, so the warm-up goes on, in chunks, until the compiler threads use
# under 2 % of a chunk's time.
WARM_CHUNK = 10000
QUIET_SHARE = 0.02


def warm_up_until_quiet(url, png_path, pid, minimum, ceiling):
    """Sends at least `minimum` requests, then chunks until the JIT is quiet; returns (requests, compiler s, quiet)."""
    start = compiler_cpu_s(pid)
    hey(url, png_path, minimum, 64 if minimum > 1000 else 16)
    sent = minimum
    while sent < ceiling:
        before, t0 = compiler_cpu_s(pid), time.time()
        hey(url, png_path, WARM_CHUNK, 64)
        sent += WARM_CHUNK
        if compiler_cpu_s(pid) - before < QUIET_SHARE * (time.time() - t0):
            return sent, compiler_cpu_s(pid) - start, True
    return sent, compiler_cpu_s(pid) - start, False


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def measure(name, command, env, url, png, png_path, requests, clients, log, warm_up, jit=True):
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, process)
        answer = predict_once(url, png)
        print(f"{name}: {answer[:90]}", flush=True)
        if jit:
            sent, compiler_s, quiet = warm_up_until_quiet(url, png_path, process.pid, warm_up, max(warm_up, 200000))
            print(f"  {name}: warm-up {sent:,} requests, JIT compiler threads {compiler_s:.1f} s of CPU"
                  f"{'' if quiet else ', still compiling at the ceiling'}", flush=True)
        else:
            hey(url, png_path, warm_up, 64 if warm_up > 1000 else 16)  # thread pools, TF graphs
        rows = []
        for c in clients:
            r = hey(url, png_path, requests, c)
            rows.append((c, r))
            print(f"  {name:10s} {c:3d} clients: {r['rps']:9,.0f} req/s  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms  "
                  f"failed {r['failed']}", flush=True)
        return rows, peak_rss_mib(process.pid)
    finally:
        stop(process)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--clients", default="1,16,64")
    ap.add_argument("--model", help="convnet model (default: models/model.zip)")
    ap.add_argument("--python", required=True, help="the reference venv's python (scripts/reference-python)")
    ap.add_argument("--warm-up", type=int, default=30000,
                    help="requests sent to convnet before measuring (64 clients; 16 up to 1,000), at least: "
                         "it goes on in chunks of 10,000 until HotSpot's JIT compiler threads are quiet "
                         "(on two cores C2 compiles the request path over some 60,000 requests), at most "
                         "200,000; the reference (no JIT; its TF graph is traced on the first call) gets 1,000")
    ap.add_argument("--keras-epochs", type=int, default=1,
                    help="epochs to train the Keras reference on MNIST; 0 serves it untrained (same cost)")
    a = ap.parse_args()
    if a.warm_up < 16:
        ap.error("--warm-up must be at least 16 (hey sends at least one request per client)")
    root = a.root
    clients = [int(c) for c in a.clients.split(",")]
    work = os.path.join(root, "target", "bench-serve")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(root, "data", "mnist")
    model = a.model or os.path.join(root, "models", "model.zip")
    if not os.path.isfile(model):
        sys.exit(f"bench-serve: no model at {model}; train one with scripts/convnet train, or pass --model")
    png_path = os.path.join(work, "digit.png")
    digit_png(data, 0, png_path)  # test image 0: a 7
    png = open(png_path, "rb").read()

    keras_model = os.path.join(work, f"reference-{a.keras_epochs}ep.keras")
    if not os.path.isfile(keras_model):
        print(f"Building the book's Keras model (listing 8-1), {a.keras_epochs} epoch(s) on MNIST ...", flush=True)
        subprocess.run([a.python, os.path.join(root, "bench", "keras_reference_model.py"), data, keras_model,
                        str(a.keras_epochs)], check=True)

    log = open(os.path.join(work, "servers.log"), "w")
    port = free_port()
    # through the launcher, as users start it (it sets serve's heap; it execs java, so the pid is the server's)
    convnet = [os.path.join(root, "scripts", "convnet"), "serve", model, "--port", str(port)]
    results = {}
    results["convnet"] = measure("convnet", convnet, None, f"http://127.0.0.1:{port}", png, png_path,
                                 a.requests, clients, log, a.warm_up)
    port = free_port()
    env = dict(os.environ, MODEL=keras_model, TF_CPP_MIN_LOG_LEVEL="2")
    reference = [a.python, "-m", "uvicorn", "serve_reference:app", "--app-dir", os.path.join(root, "bench"),
                 "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning"]
    results["FastAPI"] = measure("FastAPI", reference, env, f"http://127.0.0.1:{port}", png, png_path,
                                 a.requests, clients, log, min(a.requests, 1000), jit=False)

    # Twice the load the queue is sized for: --queue Q with 2Q clients.
    queue = 32
    port = free_port()
    overload = convnet[:-1] + [str(port), "--queue", str(queue), "--max-batch", "16"]
    over_rows, over_rss = measure(f"overload", overload, None, f"http://127.0.0.1:{port}", png, png_path,
                                  a.requests, [2 * queue], log, a.warm_up)

    print()
    print(f"{a.requests:,} requests of one MNIST test digit (28x28 PNG, {len(png)} bytes) per row; "
          f"{os.cpu_count()} CPUs; Keras reference trained {a.keras_epochs} epoch(s); warm-up at least {a.warm_up:,} "
          f"requests for convnet, then until its JIT compiler was quiet (above), {min(a.requests, 1000):,} for the reference.")
    print()
    print("| server | clients | requests/s | p50 ms | p99 ms | failed | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (rows, rss) in results.items():
        label = "convnet serve (Javalin, oneDNN, dynamic batching)" if name == "convnet" \
            else "Keras 3 + TensorFlow 2.21 CPU, FastAPI + uvicorn"
        for c, r in rows:
            print(f"| {label} | {c} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['failed']} | {rss:,.0f} |")
    print()
    for (c, ours), (_, theirs) in zip(results["convnet"][0], results["FastAPI"][0]):
        print(f"- {c} clients: convnet / FastAPI requests/s = {ours['rps'] / theirs['rps']:.1f}x")
    c, r = over_rows[0]
    print(f"- overload (--queue {queue}, --max-batch 16, {c} clients): {r['ok']:,} answered 200, "
          f"{r['statuses'].get(503, 0):,} refused with 503 + Retry-After, {r['errors']} connection errors; "
          f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, peak RSS {over_rss:,.0f} MiB")


if __name__ == "__main__":
    main()
