"""``run NN|all [--jobs N] [--keras NAME] [experiment options]``: run experiments."""

import argparse
import os
import subprocess
import time
from pathlib import Path

from lstm_lab.commands.options import add_jobs
from lstm_lab.errors import BadInput, combined_exit_code
from lstm_lab.experiment import OneLineParser, project_root
from lstm_lab.runners.discover import find_experiments
from lstm_lab.runners.launch import script_command

HELP = "run an experiment by number, or all of them"


def add_arguments(parser):
    parser.add_argument("which", help="an experiment number such as 03, or 'all'")
    parser.add_argument(
        "options",
        nargs=argparse.REMAINDER,
        help="passed on to the experiment; also --jobs N ('all': N experiments at a time, each "
        "on its share of the cores) and --keras NAME (run in that Keras environment)",
    )


def own_options(options):
    """``run``'s own options (``--jobs``, ``--keras``) taken from among the experiment's."""
    parser = OneLineParser(prog="lstm-lab run", add_help=False, allow_abbrev=False)
    add_jobs(parser)
    parser.add_argument("--keras")
    return parser.parse_known_args(options)


def option_value(options, name):
    """The value of ``name VALUE`` or ``name=VALUE`` among ``options``, else None."""
    for i, word in enumerate(options):
        if word == name and i + 1 < len(options):
            return options[i + 1]
        if word.startswith(name + "="):
            return word.partition("=")[2]
    return None


def run(args):
    experiments = find_experiments(args.experiments_dir)
    if args.which == "all":
        chosen = list(experiments.values())
    elif args.which.zfill(2) in experiments:
        chosen = [experiments[args.which.zfill(2)]]
    else:
        known = ", ".join(experiments) or "none"
        raise BadInput(f"no experiment {args.which!r} (known: {known}, or 'all')")
    own, options = own_options(args.options)
    started = time.perf_counter()
    if own.keras is not None:
        codes = run_in_environment(own.keras, chosen, options)
    elif own.jobs > 1 and len(chosen) > 1:
        from lstm_lab.runners.local import run_side_by_side

        results_dir = Path(option_value(options, "--results-dir") or project_root() / "results")
        backend = option_value(options, "--backend")
        earlier = [project_root() / "results", results_dir]
        codes = run_side_by_side(chosen, options, own.jobs, backend, earlier)
    else:
        codes = []
        for script in chosen:
            print(f"== {script.stem}", flush=True)
            codes.append(subprocess.call(script_command(script, *options)))
    if len(chosen) > 1:
        print("== summary: " + ", ".join(f"{s.stem} exit {c}" for s, c in zip(chosen, codes)))
        print(
            f"== {len(chosen)} experiments in {time.perf_counter() - started:.0f} s "
            f"({own.jobs} at a time)"
        )
    return combined_exit_code(codes)


def run_in_environment(name, scripts, options):
    """``run NN --keras NAME``: each script in the Keras environment ``name`` (built first if
    it is not), one after another; their exit codes."""
    from lstm_lab import environments

    environment = environments.find(name)
    if environment.keras2:
        raise BadInput(
            f"Keras {name} runs the Keras 2 probes, not the experiments (Keras 3 code): "
            f"python -m lstm_lab conformance --keras {name}"
        )
    backend = option_value(options, "--backend") or os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend not in environment.backends:
        raise BadInput(
            f"Keras {name} has no {backend} backend here (it has: "
            f"{', '.join(environment.backends)}); choose one with --backend"
        )
    python = environments.build(environment, progress=lambda line: print(line, flush=True))
    variables = {**os.environ, **environment.run_environment(), "KERAS_BACKEND": backend}
    codes = []
    for script in scripts:
        print(f"== {script.stem} on Keras {name} ({backend})", flush=True)
        codes.append(subprocess.call([str(python), str(script), *options], env=variables))
    return codes
