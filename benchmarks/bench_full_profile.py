"""Time the full profile of every experiment, one after another and two at a time, in one run.

1. one after another: each experiment script alone, as ``lstm-lab run all`` runs them;
2. ``lstm-lab run all --jobs 2``: two experiments at a time, each held to one thread.

Both write to temporary results folders (the project's results/ is not touched) and run on
the same backend (TensorFlow unless ``--backend``). The script prints each experiment's own
wall time both ways (from its metrics), the peak resident memory of each experiment's
process, the totals and their ratio. Target: the full profile in at most 300 s on
TensorFlow, and no process above 4 GiB.

    python benchmarks/bench_full_profile.py --data-dir ../shared/data [--jobs 2]
    python benchmarks/bench_full_profile.py --data-dir ../shared/data --skip-sequential
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lstm_lab.experiment import project_root
from lstm_lab.runners.discover import find_experiments, last_wall_seconds

TARGET_SECONDS = 300
GIB = 2**30 if sys.platform == "darwin" else 2**20  # ru_maxrss: bytes on macOS, else KiB


def experiment_scripts():
    return list(find_experiments(project_root() / "experiments").values())


def wall_seconds(results_dir, name):
    """The experiment's own wall time from its metrics, or None if it wrote none."""
    return last_wall_seconds(results_dir, [Path(name)]).get(name)


def one_after_another(options, results_dir, log):
    """``{experiment: (exit code, seconds, peak GiB)}`` and the total seconds."""
    rows, started = {}, time.perf_counter()
    for script in experiment_scripts():
        child = subprocess.Popen(
            [sys.executable, str(script), *options, "--results-dir", str(results_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(child.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        seconds = wall_seconds(results_dir, script.stem)
        rows[script.stem] = (code, seconds, usage.ru_maxrss / GIB)
        print(f"    {script.stem:32s} exit {code}  {seconds or float('nan'):7.1f} s", flush=True)
    return rows, time.perf_counter() - started


def jobs_at_a_time(options, jobs, results_dir, log):
    """``{experiment: (exit code, seconds, peak GiB)}`` and the total seconds."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "lstm_lab", "run", "all", "--jobs", str(jobs), *options]
    subprocess.run(
        command + ["--results-dir", str(results_dir)], stdout=log, stderr=subprocess.STDOUT
    )
    total = time.perf_counter() - started
    ended = {}
    log.flush()
    for line in Path(log.name).read_text().splitlines():
        # "== 04_imdb_sentiment: exit 0 in 251 s (peak 1.66 GiB)"
        match = re.match(r"== (\S+): exit (-?\d+) in \d+ s(?: \(peak ([\d.]+) GiB\))?$", line)
        if match:
            ended[match[1]] = (int(match[2]), float(match[3]) if match[3] else float("nan"))
    rows = {}
    for script in experiment_scripts():
        code, peak = ended.get(script.stem, (None, float("nan")))
        rows[script.stem] = (code, wall_seconds(results_dir, script.stem), peak)
    return rows, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="passed on to every experiment")
    parser.add_argument("--backend", default="tensorflow", choices=["tensorflow", "jax", "torch"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--skip-sequential", action="store_true", help="only the --jobs run (half the time)"
    )
    args = parser.parse_args()
    options = ["--profile", "full", "--backend", args.backend]
    if args.data_dir:
        options += ["--data-dir", str(args.data_dir.resolve())]
    print(
        f"full profile of {len(experiment_scripts())} experiments on {args.backend}, "
        f"{os.cpu_count()} cores\n"
    )
    with tempfile.TemporaryDirectory(prefix="lstm-lab-bench-") as scratch:
        scratch = Path(scratch)
        sequential, sequential_total = {}, None
        if not args.skip_sequential:
            print("one after another:", flush=True)
            with open(scratch / "sequential.log", "w") as log:
                sequential, sequential_total = one_after_another(
                    options, scratch / "sequential", log
                )
        print(f"{args.jobs} at a time (lstm-lab run all --jobs {args.jobs}) ...", flush=True)
        with open(scratch / "parallel.log", "w") as log:
            parallel, parallel_total = jobs_at_a_time(options, args.jobs, scratch / "parallel", log)

    print(
        f"\n{'experiment':32s} {'alone s':>8s} {'peak GiB':>9s} "
        f"{f'{args.jobs} at a time s':>16s} {'peak GiB':>9s}"
    )
    for name, (code, seconds, peak) in parallel.items():
        alone = sequential.get(name)
        alone_text = (
            f"{alone[1]:8.1f} {alone[2]:9.2f}" if alone and alone[1] else f"{'–':>8s} {'–':>9s}"
        )
        shown = f"{seconds:16.1f}" if seconds else f"{'failed':>16s}"
        print(f"{name:32s} {alone_text} {shown} {peak:9.2f}" + (f"  (exit {code})" if code else ""))
    peaks = [row[2] for row in [*sequential.values(), *parallel.values()] if row[2] == row[2]]
    if sequential_total:
        print(f"\none after another: {sequential_total:6.1f} s")
    print(
        f"{args.jobs} at a time:      {parallel_total:6.1f} s"
        + (f"  ({sequential_total / parallel_total:.2f}x faster)" if sequential_total else "")
    )
    print(f"largest process: {max(peaks, default=float('nan')):.2f} GiB (target: below 4 GiB)")
    failed = [name for name, (code, _, _) in parallel.items() if code not in (0, 1)]
    verdict = "met" if parallel_total <= TARGET_SECONDS and not failed else "NOT met"
    print(
        f"\ntarget: the full profile in <= {TARGET_SECONDS} s on {args.backend}: {verdict} "
        f"({parallel_total:.0f} s with --jobs {args.jobs})"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )


if __name__ == "__main__":
    main()
