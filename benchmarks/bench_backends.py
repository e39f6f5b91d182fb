"""Time experiments' full profile on each backend, side by side in one run.

Each experiment runs alone, on each backend in turn (a fresh process each, writing to a
temporary folder; the project's results/ is not touched), and the script prints each run's
own wall time (from its metrics), its exit code, and each backend's ratio to the first.
Target: torch at most 2x TensorFlow on every experiment.

    python benchmarks/bench_backends.py --data-dir ../shared/data --experiments 04 05 07
    python benchmarks/bench_backends.py --backends tensorflow jax torch --profile quick
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_full_profile import experiment_scripts, wall_seconds

TARGET_RATIO = 2.0


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
    first = args.backends[0]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="lstm-lab-bench-") as scratch:
        for script in scripts:
            for backend in args.backends:
                folder = Path(scratch) / backend
                command = [sys.executable, str(script), *options, "--backend", backend]
                code = subprocess.run(
                    [*command, "--results-dir", str(folder)], capture_output=True
                ).returncode
                seconds = wall_seconds(folder, script.stem)
                rows[script.stem, backend] = (code, seconds)
                print(f"    {script.stem} on {backend}: exit {code}, "
                      f"{seconds or float('nan'):.1f} s", flush=True)  # fmt: skip

    print(f"\n{args.profile} profile, each run alone\n")
    print(f"{'experiment':32s}" + "".join(f"{b + ' s':>14s}" for b in args.backends)
          + "".join(f"{b + '/' + first:>18s}" for b in args.backends[1:]))  # fmt: skip
    missed = []
    for script in scripts:
        line = f"{script.stem:32s}"
        for backend in args.backends:
            code, seconds = rows[script.stem, backend]
            line += (
                f"{seconds:14.1f}" if seconds and code in (0, 1) else f"{'exit ' + str(code):>14s}"
            )
        base = rows[script.stem, first][1]
        for backend in args.backends[1:]:
            seconds = rows[script.stem, backend][1]
            ratio = seconds / base if seconds and base else float("nan")
            line += f"{ratio:17.2f}x"
            if backend == "torch" and first == "tensorflow" and not ratio <= TARGET_RATIO:
                missed.append(f"{script.stem} ({ratio:.2f}x)")
        print(line)
    if first == "tensorflow" and "torch" in args.backends:
        verdict = "met" if not missed else f"NOT met: {', '.join(missed)}"
        print(f"\ntarget: torch at most {TARGET_RATIO:.0f}x TensorFlow on each: {verdict}")


if __name__ == "__main__":
    main()
