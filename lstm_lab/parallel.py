"""Run experiment scripts several at a time, each on its share of the CPU cores.

On a small CPU the experiments' models are too small for Keras to keep two cores busy: an
experiment runs about as fast on one thread as on two, so two experiments side by side,
one thread each, take about half the time of the two in turn
(``benchmarks/bench_full_profile.py`` measures it).
"""

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def thread_limits(threads):
    """Environment variables that hold TensorFlow, JAX (XLA), PyTorch and the BLAS
    libraries to ``threads`` threads each."""
    limits = {
        name: str(threads)
        for name in (
            "TF_NUM_INTRAOP_THREADS",
            "TF_NUM_INTEROP_THREADS",
            "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS",
        )
    }
    xla = os.environ.get("XLA_FLAGS", "")
    if threads == 1 and "xla_cpu_multi_thread_eigen" not in xla:
        xla = f"{xla} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    limits["XLA_FLAGS"] = xla.strip()
    return limits


def run_scripts(scripts, options, jobs, expected_seconds=None):
    """Run each script (``python script *options``) ``jobs`` at a time, longest expected
    first; every output line is printed as it comes, behind the script's number.

    Returns ``{script: (exit code, wall seconds)}``.
    """
    expected_seconds = expected_seconds or {}
    threads = max(1, (os.cpu_count() or 1) // jobs)
    environment = {**os.environ, **thread_limits(threads), "PYTHONUNBUFFERED": "1"}
    printing = threading.Lock()
    outcomes = {}

    def run_one(script):
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, str(script), *options],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        for line in child.stdout:
            with printing:
                print(f"{script.stem[:2]} | {line}", end="", flush=True)
        code = child.wait()
        outcomes[script] = (code, time.perf_counter() - started)
        with printing:
            print(f"== {script.stem}: exit {code} in {outcomes[script][1]:.0f} s", flush=True)

    longest_first = sorted(scripts, key=lambda s: -expected_seconds.get(s.stem, float("inf")))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for done in [pool.submit(run_one, script) for script in longest_first]:
            done.result()
    return outcomes
