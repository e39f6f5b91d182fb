"""Time the version matrix: building each Keras environment, and its cells side by side
against one after another, in one run.

1. Each environment of ``environments.toml`` built into a fresh cache folder (a new
   environment from uv's package cache: "new"), then asked for again ("reused"). With
   ``--cold-cache`` uv also starts from an empty package cache, so the first build downloads
   every wheel (gigabytes; the registry's speed decides).
2. The quick profile of ``--experiments`` (default: every experiment) in every (Keras,
   backend) column of ``--keras``: ``--jobs`` at a time (as ``conformance --keras ... --jobs
   N``), then one after another (``--once``: side by side only). A line per finished run.

Both write to temporary folders; the project's results/ and environment cache are untouched.
JAX's and Inductor's on-disk compilation caches start empty for each pass, as on a
machine's first matrix: its runs fill them as they go.
Target: the quick profile of every experiment in every Keras environment across the backends
within 60 minutes on 2 cores with ``--jobs 2`` and a warm cache, and a new environment in
under a minute (linked from uv's cache, its bytecode compiled).

    python benchmarks/bench_versions.py --data-dir ../shared/data --once   # the whole matrix
    python benchmarks/bench_versions.py --experiments 01 03 --keras NAME [NAME ...]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from lstm_lab import BACKENDS, environments
from lstm_lab.experiment import project_root
from lstm_lab.runners import versions
from lstm_lab.runners.discover import find_experiments

TARGET_SECONDS = 60 * 60


def build_times(chosen, cache):
    """``{name: (seconds new, seconds reused)}`` with environments built under ``cache``."""
    os.environ[environments.CACHE_VARIABLE] = str(cache)
    times = {}
    for environment in chosen:
        started = time.perf_counter()
        environments.build(environment, progress=lambda line: None)
        new = time.perf_counter() - started
        started = time.perf_counter()
        environments.build(environment, progress=lambda line: None)
        reused = time.perf_counter() - started
        times[environment.name] = (new, reused)
        print(f"  Keras {environment.name:5s} new {new:6.1f} s   reused {reused:.2f} s", flush=True)
    return times


class RunEnds:
    """Passes on only the runner's line for each finished run, numbered, with the time so
    far: the runs' own lines are not part of the measurement."""

    def __init__(self, stream, total, started):
        self.stream, self.total, self.started, self.done = stream, total, started, 0

    def write(self, text):
        for line in text.splitlines():
            if line.startswith("== "):
                self.done += 1
                elapsed = time.perf_counter() - self.started
                self.stream.write(f"  [{self.done}/{self.total}, {elapsed:6.0f} s] {line[3:]}\n")
        return len(text)

    def flush(self):
        self.stream.flush()


def matrix_seconds(chosen, backends, scripts, options, jobs, results):
    pythons = {e.name: environments.build(e, progress=lambda line: None) for e in chosen}
    os.environ["JAX_COMPILATION_CACHE_DIR"] = str(results / "jax-cache")  # empty: a first pass
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(results / "inductor-cache")
    cells = versions.commands(chosen, backends, scripts, results, options, pythons)
    started = time.perf_counter()
    from lstm_lab.runners.local import run_commands

    saved, sys.stdout = sys.stdout, RunEnds(sys.stdout, len(cells), started)
    try:
        outcomes = run_commands(cells, jobs)
    finally:
        sys.stdout = saved
    failed = [c.label for c, (code, _, _) in outcomes.items() if code not in (0, 1)]
    return time.perf_counter() - started, len(cells), failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument(
        "--keras", nargs="+", help="default: every environment of environments.toml"
    )
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS))
    parser.add_argument("--experiments", nargs="+", metavar="NN", help="default: every one")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--cold-cache", action="store_true", help="uv from an empty cache too")
    parser.add_argument(
        "--once", action="store_true", help="the matrix --jobs at a time only, not also one by one"
    )
    args = parser.parse_args()
    known = environments.load()
    args.keras = args.keras or list(known)
    chosen = [environments.find(name, known) for name in args.keras]
    experiments = find_experiments(project_root() / "experiments")
    args.experiments = [n.zfill(2) for n in args.experiments or experiments]
    scripts = [experiments[n] for n in args.experiments]
    options = ["--profile", "quick"] + (["--data-dir", str(args.data_dir)] if args.data_dir else [])

    with tempfile.TemporaryDirectory(prefix="bench-versions-") as folder:
        folder = Path(folder)
        if args.cold_cache:
            os.environ["UV_CACHE_DIR"] = str(folder / "uv-cache")
        print(
            f"environments ({'empty' if args.cold_cache else 'warm'} uv package cache; "
            "JAX's and Inductor's compilation caches empty):"
        )
        times = build_times(chosen, folder / "envs")
        print(
            f"matrix: quick profile of {', '.join(args.experiments)} in "
            f"{', '.join(args.keras)} on {', '.join(args.backends)}",
            flush=True,
        )
        side, cells, failed = matrix_seconds(
            chosen, args.backends, scripts, options, args.jobs, folder / "side"
        )
        print(f"  {args.jobs} at a time:      {side:7.1f} s for {cells} runs", flush=True)
        if not args.once:
            alone, _, _ = matrix_seconds(
                chosen, args.backends, scripts, options, 1, folder / "alone"
            )
            ratio = alone / side
            print(f"  one after another: {alone:7.1f} s ({ratio:.2f}x the time side by side)")
    slowest_new = max(new for new, _ in times.values())
    print(
        f"slowest new environment: {slowest_new:.1f} s; runs that crashed: "
        f"{', '.join(failed) or 'none'}"
    )
    whole = (
        set(args.experiments) == set(experiments)
        and set(args.keras) == set(known)
        and set(args.backends) == set(BACKENDS)
        and args.jobs == 2
    )
    verdict = (
        ("met" if side <= TARGET_SECONDS else "not met")
        if whole
        else ("not judged: this run measured part of the matrix, or not 2 at a time")
    )
    print(
        f"target: the whole quick matrix ({len(experiments)} experiments, every Keras environment, "
        f"every backend) within {TARGET_SECONDS // 60} min 2 at a time: {verdict}"
    )


if __name__ == "__main__":
    main()
