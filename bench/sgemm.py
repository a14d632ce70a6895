"""The machine's ceiling for scripts/bench: float32 GEMM throughput on the benchmark's thread count.

numpy's matmul of two n x n float32 matrices (OpenBLAS sgemm), timed `repeats` times after one
warm-up; prints one line of JSON with the median and best GFLOP/s and the BLAS kernel in use.
scripts/bench runs it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from the environment, so
OpenBLAS picks its kernel for the CPU it finds.
Usage: python sgemm.py [--threads 2] [--size 4096] [--repeats 5]
"""
import argparse
import json
import os
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)  # before numpy loads OpenBLAS
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.standard_normal((a.size, a.size), dtype=np.float32)
    y = rng.standard_normal((a.size, a.size), dtype=np.float32)
    out = np.empty_like(x)
    np.matmul(x, y, out=out)  # warm-up: thread pool, page faults
    flop = 2.0 * a.size ** 3
    rates = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        np.matmul(x, y, out=out)
        rates.append(flop / (time.perf_counter() - t) / 1e9)
    print(json.dumps({"sgemm_gflops": statistics.median(rates), "sgemm_best_gflops": max(rates),
                      "size": a.size, "threads": a.threads, "repeats": a.repeats,
                      "numpy": np.__version__, "blas": blas_info()}))


def blas_info():
    """The BLAS library, its kernel (core type) and thread count, via threadpoolctl when present."""
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                return f"{pool.get('internal_api')} {pool.get('version')} {pool.get('architecture')}, {pool.get('num_threads')} threads"
    except ImportError:
        pass
    import ctypes
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and line.rstrip().endswith(".so")})
    for lib in libs:
        handle = ctypes.CDLL(lib)
        for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "")):
            corename = getattr(handle, f"{prefix}get_corename{suffix}", None)
            config = getattr(handle, f"{prefix}get_config{suffix}", None)
            if corename is not None and config is not None:
                corename.restype = config.restype = ctypes.c_char_p
                return f"{config().decode().strip()}, kernel {corename().decode()}"
    return "unknown BLAS (" + ", ".join(os.path.basename(lib) for lib in libs) + ")"


if __name__ == "__main__":
    sys.exit(main())
