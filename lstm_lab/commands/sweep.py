"""``sweep``: experiments x backends x seeds on Ray, and each verdict's rate."""

from pathlib import Path

from lstm_lab.commands.options import (
    add_backends,
    add_experiments,
    add_profile,
    add_results_dir,
    chosen_experiments,
)
from lstm_lab.errors import EXIT_CRASH, BadInput
from lstm_lab.experiment import DEFAULT_SEED

HELP = "run experiments x backends x seeds on Ray and count each verdict"


def add_arguments(parser):
    add_experiments(parser)
    add_backends(parser, default=("tensorflow",))
    parser.add_argument(
        "--seeds",
        nargs="+",
        type=int,
        default=[5],
        metavar="N",
        help=f"a number of seeds counted from {DEFAULT_SEED} (default 5), or a list of seeds",
    )
    add_profile(parser)
    parser.add_argument(
        "--name", help="the sweep's folder under results/sweeps/ (default: PROFILE-N-seeds)"
    )
    parser.add_argument(
        "--address",
        help="join a running Ray cluster (HOST:PORT, or 'auto'); default: start a local Ray",
    )
    parser.add_argument(
        "--cpus", type=int, help="CPUs of the local Ray (default: every core of this machine)"
    )
    parser.add_argument(
        "--cpus-per-cell", type=float, default=1, help="CPUs Ray reserves for a cell (default 1)"
    )
    parser.add_argument("--data-dir", type=Path, help="the data files the cells need")
    parser.add_argument(
        "--keras",
        nargs="+",
        metavar="NAME",
        help="Keras environments of environments.toml: one sweep each, its cells run there "
        "(each machine builds the environment with uv)",
    )
    add_results_dir(parser)


def seed_list(values):
    """``--seeds 5`` is five seeds from the default seed (7 to 11); more numbers are the
    seeds."""
    if len(values) == 1:
        if values[0] < 1:
            raise BadInput(f"--seeds {values[0]}: give a number of seeds of at least 1")
        return list(range(DEFAULT_SEED, DEFAULT_SEED + values[0]))
    if any(v < 0 for v in values) or len(set(values)) < len(values):
        raise BadInput(f"--seeds {' '.join(map(str, values))}: give distinct seeds >= 0")
    return values


def run(args):
    """One sweep; with ``--keras A B``, one per Keras environment (``<name>-keras-A``)."""
    if not args.keras:
        return sweep_one(args, None)
    from lstm_lab import environments

    for name in args.keras:
        if environments.find(name).keras2:
            raise BadInput(f"--keras {name}: Keras 2 runs the probes, not the experiments")
    return max(sweep_one(args, name) for name in args.keras)


def sweep_one(args, keras):
    import os
    import platform
    import shlex
    import sys
    import time

    from tqdm import tqdm

    from lstm_lab.files import locked
    from lstm_lab.report.index import write_index
    from lstm_lab.results.layout import sweep_dir as sweep_folder
    from lstm_lab.runners import sweep, sweep_report
    from lstm_lab.runners.discover import declared_settings

    scripts = chosen_experiments(args)
    chosen = [script.stem for script in scripts]
    if args.cpus_per_cell <= 0:
        raise BadInput(f"--cpus-per-cell {args.cpus_per_cell}: give a positive number")
    if args.cpus is not None and (args.cpus < 1 or args.address):
        raise BadInput(f"--cpus {args.cpus}: a whole number >= 1, for a local Ray only")
    seeds = seed_list(args.seeds)
    name = args.name or f"{args.profile}-{len(seeds)}-seeds"
    name += f"-keras-{keras}" if keras else ""
    if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise BadInput(f"--name {name!r}: use letters, digits, - and _ only")
    sweep_dir = sweep_folder(args.results_dir, name)
    settings = {script.stem: declared_settings(script, args.profile) for script in scripts}
    cells = sweep.grid(chosen, args.backends, seeds, args.profile, keras, settings)
    print(f"sweep {name}: {len(cells)} cells -> {sweep_dir}", flush=True)
    started = time.perf_counter()
    counts = sweep.run_sweep(
        cells,
        sweep_dir,
        data_dir=args.data_dir,
        address=args.address,
        cpus=args.cpus,
        cpus_per_cell=args.cpus_per_cell,
        progress=lambda outcomes, total: tqdm(outcomes, total=total, unit="cell"),
    )
    invocation = {
        "command": "python -m lstm_lab " + shlex.join(args.invocation),
        "cells_run": counts["finished"] + counts["failed"],
        "failed": counts["failed"],
        "wall_seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores"
        + (f", Ray cluster at {args.address}" if args.address else ", local Ray"),
        "finished_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    summary = sweep_report.write_report(sweep_dir, name, invocation)
    with locked(args.results_dir):
        write_index(args.results_dir)  # it links the sweep's report
    robust, failing = sweep_report.robust_and_failing(summary)
    pairs = len(summary["claims"])
    print(
        f"{counts['finished']} cells run, {counts['skipped']} already finished, "
        f"{counts['failed']} failed; {robust} of {pairs} (claim, backend) pairs robust, "
        f"expected rates hold for {pairs - len(failing)} -> {sweep_dir / 'report.md'}"
    )
    if failing:
        print(f"expected seed rates do not hold: {', '.join(failing)}", file=sys.stderr)
    return EXIT_CRASH if counts["failed"] else (1 if failing else 0)
