"""Time experiments' full profile on each backend, side by side in one run.

Each experiment runs alone, on each backend in turn (a fresh process each, writing to a
temporary folder; the project's results/ is not touched), and the script prints each run's
own wall time (from its metrics), its exit code, and each backend's ratio to the first.

JAX and torch keep what they compile on disk (JAX's compilation cache, TorchInductor's
kernels for the lab's compiled torch step), so on those backends each experiment runs
twice: first with an empty cache, as on a machine's first run, then again with what that
run left, as every later run finds it. TensorFlow keeps nothing and runs once.
Target: torch at most 2x TensorFlow on every experiment, on a later run; the first run's
ratio is printed beside it.

    python benchmarks/bench_backends.py --data-dir ../shared/data --experiments 04 05 07
    python benchmarks/bench_backends.py --backends tensorflow jax torch --profile quick
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_full_profile import experiment_scripts, wall_seconds

TARGET_RATIO = 2.0
CACHE_VARIABLES = {"jax": "JAX_COMPILATION_CACHE_DIR", "torch": "TORCHINDUCTOR_CACHE_DIR"}


def timed_run(script, options, backend, folder, cache=None):
    """``(exit code, the run's own wall seconds or None)``; ``cache`` is the compiler cache
    folder the run uses."""
    environment = dict(os.environ)
    if cache is not None:
        environment[CACHE_VARIABLES[backend]] = str(cache)
    command = [sys.executable, str(script), *options, "--backend", backend]
    code = subprocess.run(
        [*command, "--results-dir", str(folder)], capture_output=True, env=environment
    ).returncode
    return code, wall_seconds(folder, script.stem)


def cell(code, seconds):
    return f"{seconds:.1f}" if seconds and code in (0, 1) else f"exit {code}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", nargs="+", metavar="NN", help="default: every one")
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "torch"],
                        choices=["tensorflow", "jax", "torch"])  # fmt: skip
    parser.add_argument("--profile", default="full", choices=["full", "quick"])
    parser.add_argument("--data-dir", type=Path, help="passed on to every experiment")
    args = parser.parse_args()
    scripts = [
        s for s in experiment_scripts() if not args.experiments or s.stem[:2] in args.experiments
    ]
    if not scripts:
        parser.error(f"--experiments: none of {args.experiments} is an experiment")
    options = ["--profile", args.profile]
    if args.data_dir:
        options += ["--data-dir", str(args.data_dir.resolve())]
    # (backend, run) columns: a later run only where the backend keeps a compiler cache
    columns = [(b, "first") for b in args.backends]
    columns += [(b, "later") for b in args.backends if b in CACHE_VARIABLES]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="lstm-lab-bench-") as scratch:
        for script in scripts:
            for backend in args.backends:
                folder = Path(scratch) / backend
                cache = Path(scratch) / f"{script.stem}-{backend}-cache"
                runs = ["first", "later"] if backend in CACHE_VARIABLES else ["first"]
                for run in runs:
                    code, seconds = timed_run(
                        script,
                        options,
                        backend,
                        folder,
                        cache if backend in CACHE_VARIABLES else None,
                    )
                    rows[script.stem, backend, run] = (code, seconds)
                    print(f"    {script.stem} on {backend}, {run} run: exit {code}, "
                          f"{seconds or float('nan'):.1f} s", flush=True)  # fmt: skip

    first = args.backends[0]
    labels = [b if b not in CACHE_VARIABLES else f"{b} {run}" for b, run in columns]
    print(f"\n{args.profile} profile, each run alone; 'first': an empty compiler cache, "
          "'later': the cache the first run left\n")  # fmt: skip
    ratios = [c for c in columns if c[0] != first]
    headers = [f"{label} s" for label in labels]
    headers += [f"{labels[columns.index(c)]} / {first}" for c in ratios]
    widths = [len(header) + 3 for header in headers]
    print(f"{'experiment':26s}" + "".join(f"{h:>{w}s}" for h, w in zip(headers, widths)))
    missed, missed_first = [], []
    for script in scripts:
        cells = [cell(*rows[script.stem, backend, run]) for backend, run in columns]
        base = rows[script.stem, first, "first"][1]
        for backend, run in ratios:
            seconds = rows[script.stem, backend, run][1]
            ratio = seconds / base if seconds and base else float("nan")
            cells.append(f"{ratio:.2f}x")
            if backend == "torch" and first == "tensorflow" and not ratio <= TARGET_RATIO:
                (missed if run == "later" else missed_first).append(f"{script.stem} ({ratio:.2f}x)")
        print(f"{script.stem:26s}" + "".join(f"{c:>{w}s}" for c, w in zip(cells, widths)))
    if first == "tensorflow" and "torch" in args.backends:
        verdict = "met" if not missed else f"NOT met: {', '.join(missed)}"
        print(f"\ntarget: torch at most {TARGET_RATIO:.0f}x TensorFlow on each, on a later run: "
              f"{verdict}")  # fmt: skip
        first_runs = "all within it" if not missed_first else f"over it: {', '.join(missed_first)}"
        print(f"first runs (an empty compiler cache): {first_runs}")


if __name__ == "__main__":
    main()
