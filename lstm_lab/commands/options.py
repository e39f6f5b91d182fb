"""Options several commands share, each defined once: the results directory, the
experiments and backends chosen, the profile, the seed, ``--jobs``."""

import argparse
from pathlib import Path

from lstm_lab import BACKENDS
from lstm_lab.errors import BadInput
from lstm_lab.experiment import DEFAULT_SEED, PROFILES, project_root
from lstm_lab.runners.discover import find_experiments


def positive_int(text):
    """A whole number of at least 1 (``--jobs``)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of at least 1")
    return int(text)


def add_results_dir(parser):
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=project_root() / "results",
        help="default: the project's results/",
    )


def add_experiments(parser):
    parser.add_argument(
        "--experiments", nargs="+", default=[], metavar="NN", help="default: every experiment"
    )


def add_backends(parser, default=BACKENDS):
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        default=list(default),
        metavar="BACKEND",
        help=f"any of {', '.join(BACKENDS)} (default: {', '.join(default)})",
    )


def add_profile(parser):
    parser.add_argument("--profile", choices=PROFILES, default=PROFILES[0])


def add_seed(parser):
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"passed to every run ({DEFAULT_SEED})"
    )


def add_jobs(parser, what="runs at a time"):
    parser.add_argument("--jobs", type=positive_int, default=1, help=f"{what} (default 1)")


def chosen_experiments(args):
    """The scripts ``--experiments`` names (default: every one), after checking them and
    ``--data-dir``."""
    experiments = find_experiments(args.experiments_dir)
    unknown = [n for n in args.experiments if n.zfill(2) not in experiments]
    if unknown:
        raise BadInput(f"no experiment {unknown[0]!r} (known: {', '.join(experiments)})")
    if args.data_dir is not None and not args.data_dir.is_dir():
        raise BadInput(f"--data-dir {args.data_dir} is not a directory")
    return [experiments[n.zfill(2)] for n in args.experiments] or list(experiments.values())


def run_options(args):
    """The options every run of a matrix gets: profile, seed and data."""
    options = ["--profile", args.profile, "--seed", str(args.seed)]
    return options + (["--data-dir", str(args.data_dir)] if args.data_dir else [])
