"""The command line ``python -m lstm_lab`` (also installed as ``lstm-lab``).

    python -m lstm_lab list                   the experiments and their last results
    python -m lstm_lab run 03 [options]       run one experiment (options go to it)
    python -m lstm_lab run all [options]      run every experiment in order
    python -m lstm_lab run all --jobs 2 ...   two at a time, one thread each (faster on a
                                              small CPU)
    python -m lstm_lab fetch [--data-dir DIR] download the data files into one folder (data/)
    python -m lstm_lab explain SPEC           what a recurrent layer returns, named and proven
    python -m lstm_lab report                 regenerate results/README.md
    python -m lstm_lab conformance [options]  every experiment on every backend, side by side
    python -m lstm_lab conformance --keras 2 3.12 3.15
                                              ... and on each Keras release (results/versions.md)
    python -m lstm_lab env list|build [NAME]  the Keras environments, built by uv
    python -m lstm_lab findings --keras ...   every Keras finding's reproduction, everywhere
    python -m lstm_lab sweep [options]        experiments x backends x seeds on Ray: verdict rates

Exit codes: 0 every claim as expected, 1 a verdict differs from its
expectation, 2 bad input (one line on stderr, nothing half-written), 3 a crash (an
experiment's, or a run a runner started: never read as a verdict).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from lstm_lab import BACKENDS
from lstm_lab.errors import EXIT_CRASH, BadInput, combined_exit_code
from lstm_lab.experiment import DEFAULT_SEED, OneLineParser, project_root
from lstm_lab.files import locked
from lstm_lab.results.index import read_metrics, write_index
from lstm_lab.results.layout import runs_in
from lstm_lab.results.layout import sweep_dir as sweep_folder
from lstm_lab.runners.discover import (
    find_experiments,
    first_docstring_line,
    last_result,
)
from lstm_lab.runners.launch import script_command


def command_list(args):
    for script in find_experiments(args.experiments_dir).values():
        name = script.stem
        print(f"{name:28s} {first_docstring_line(script)}")
        print(f"{'':28s} [{last_result(args.results_dir, name)}]")
    return 0


def jobs_option(options):
    """``(jobs, the other options)``: ``run`` takes ``--jobs N`` anywhere among the options it
    passes on."""
    jobs, rest, words = 1, [], iter(options)
    for word in words:
        if word == "--jobs" or word.startswith("--jobs="):
            value = word.partition("=")[2] or next(words, "")
            if not value.isdigit() or int(value) < 1:
                raise BadInput(f"--jobs {value!r}: give a whole number of at least 1")
            jobs = int(value)
        else:
            rest.append(word)
    return jobs, rest


def command_run(args):
    experiments = find_experiments(args.experiments_dir)
    if args.which == "all":
        chosen = list(experiments.values())
    elif args.which.zfill(2) in experiments:
        chosen = [experiments[args.which.zfill(2)]]
    else:
        known = ", ".join(experiments) or "none"
        raise BadInput(f"no experiment {args.which!r} (known: {known}, or 'all')")
    jobs, options = jobs_option(args.options)
    keras, options = keras_option(options)
    started = time.perf_counter()
    if keras is not None:
        codes = run_in_environment(keras, chosen, options)
    elif jobs > 1 and len(chosen) > 1:
        from lstm_lab.runners.local import run_side_by_side

        results_dir = Path(option_value(options, "--results-dir") or project_root() / "results")
        codes = run_side_by_side(
            chosen,
            options,
            jobs,
            option_value(options, "--backend"),
            [project_root() / "results", results_dir],
        )
    else:
        codes = []
        for script in chosen:
            print(f"== {script.stem}", flush=True)
            codes.append(subprocess.call(script_command(script, *options)))
    if len(chosen) > 1:
        print("== summary: " + ", ".join(f"{s.stem} exit {c}" for s, c in zip(chosen, codes)))
        print(
            f"== {len(chosen)} experiments in {time.perf_counter() - started:.0f} s "
            f"({jobs} at a time)"
        )
    return combined_exit_code(codes)


def keras_option(options):
    """``(the --keras environment's name or None, the other options)``."""
    keras, rest, words = None, [], iter(options)
    for word in words:
        if word == "--keras" or word.startswith("--keras="):
            keras = word.partition("=")[2] or next(words, "")
            if not keras:
                raise BadInput("--keras needs an environment's name, such as 3.12 (env list)")
        else:
            rest.append(word)
    return keras, rest


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


def option_value(options, name):
    """The value of ``name VALUE`` or ``name=VALUE`` among ``options``, else None."""
    for i, word in enumerate(options):
        if word == name and i + 1 < len(options):
            return options[i + 1]
        if word.startswith(name + "="):
            return word.partition("=")[2]
    return None


def command_report(args):
    if not args.results_dir.is_dir():
        raise BadInput(f"no results directory at {args.results_dir}")
    for metrics in runs_in(args.results_dir):  # refused before the lock file is made
        read_metrics(metrics)
    with locked(args.results_dir):
        index = write_index(args.results_dir)
    print(f"wrote {index}")
    return 0


def command_fetch(args):
    from lstm_lab.data.fetch import fetch_all

    paths = fetch_all(args.data_dir, progress=lambda line: print(line, flush=True))
    print(
        f"{len(paths)} data files in {args.data_dir}; run everything with: "
        f"python -m lstm_lab run all --data-dir {args.data_dir}"
    )
    return 0


def input_shape(text):
    """``"2,5,3"`` -> (2, 5, 3): batch, time steps, features, each a whole number from 1."""
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected B,T,F such as 2,5,3, got {text!r}") from None
    if len(shape) != 3 or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"expected three whole numbers from 1, got {text!r}")
    return shape


def command_explain(args):
    import json

    from lstm_lab.explain.command import explain_saved_model, explain_spec
    from lstm_lab.explain.render import render_markdown, render_text

    if args.spec.endswith(".keras") or Path(args.spec).exists():
        if not Path(args.spec).is_file():
            raise BadInput(f"no such model file: {args.spec}")
        explained = explain_saved_model(args.spec, seed=args.seed)
    else:
        explained = explain_spec(args.spec, args.input_shape, seed=args.seed)
    if args.json:
        print(json.dumps(explained, indent=2))
    elif args.markdown:
        print(render_markdown(explained), end="")
    else:
        print(render_text(explained), end="")
    return 0


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


def command_conformance(args):
    from lstm_lab.runners import conformance
    from lstm_lab.runners.matrix import matrix_exit_code

    chosen = chosen_experiments(args)
    options = ["--profile", args.profile, "--seed", str(args.seed)]
    options += ["--data-dir", str(args.data_dir)] if args.data_dir else []
    if args.keras:
        return version_matrix(args, chosen, options)
    if args.matrix_only:
        codes = {}
    else:
        codes = conformance.run_everywhere(chosen, args.backends, args.results_dir, options)
    names = [script.stem for script in chosen]
    matrix = conformance.collect(names, args.backends, args.results_dir, codes, args.profile)
    written = conformance.write_matrix(args.results_dir, matrix)
    print(f"{conformance.summary_line(matrix)} -> {written}")
    return matrix_exit_code(matrix)


def version_matrix(args, chosen, options):
    """``conformance --keras NAME ...``: the experiments in each Keras environment."""
    from lstm_lab import environments
    from lstm_lab.runners import versions
    from lstm_lab.runners.matrix import matrix_exit_code

    if args.jobs < 1:
        raise BadInput(f"--jobs {args.jobs}: give a whole number of at least 1")
    known = environments.load()
    chosen_environments = [environments.find(name, known) for name in args.keras]
    codes = {}
    if not args.matrix_only:
        codes = versions.run_matrix(
            chosen_environments,
            args.backends,
            chosen,
            args.results_dir,
            options,
            args.jobs,
            progress=lambda line: print(line, flush=True),
        )
    names = [script.stem for script in chosen]
    matrix = versions.collect(
        chosen_environments, args.backends, names, args.results_dir, args.profile, codes
    )
    written = versions.write_matrix(args.results_dir, matrix)
    print(f"{versions.summary_line(matrix)} -> {written}")
    return matrix_exit_code(matrix)


def command_findings(args):
    import platform

    from lstm_lab import environments, findings
    from lstm_lab.runners import findings as finding_runs
    from lstm_lab.runners.versions import build_all

    known = environments.load()
    chosen = [environments.find(name, known) for name in args.keras]
    chosen = [environment for environment in chosen if not environment.keras2]
    if not chosen:
        raise BadInput(
            "--keras: name at least one Keras 3 environment (the reproductions are Keras 3 code)"
        )
    if args.jobs < 1:
        raise BadInput(f"--jobs {args.jobs}: give a whole number of at least 1")
    catalogue = findings.load()
    if args.matrix_only:  # the committed outcomes, rendered with today's findings.toml
        import json

        measured = json.loads((args.results_dir / "findings.json").read_text())
        written = finding_runs.write(
            args.results_dir, catalogue, measured["findings"], measured["measured_on"]
        )
        print(f"{len(catalogue)} findings -> {written}")
        return 0
    pythons = build_all(chosen, progress=lambda line: print(line, flush=True))
    results = finding_runs.run_all(catalogue, chosen, args.backends, pythons, args.jobs)
    machine = f"{platform.machine()} CPU, {os.cpu_count()} cores, no GPU"
    written = finding_runs.write(args.results_dir, catalogue, results, machine)
    print(f"{len(catalogue)} findings in {len(chosen)} Keras environments -> {written}")
    return 0


def command_env(args):
    from lstm_lab import environments

    known = environments.load()
    if args.action == "list":
        for environment in known.values():
            path = environments.folder(environment)
            state = "built" if environments.is_built(path) else "not built"
            print(f"{environment.name:6s} {environment.title}")
            print(f"{'':6s} backends: {', '.join(environment.backends)}; {state}: {path}")
        return 0
    names = args.names or list(known)
    for name in names:
        environment = environments.find(name, known)
        python = environments.build(
            environment, progress=lambda line: print(line, flush=True), force=args.rebuild
        )
        print(f"Keras {environment.name}: {python}")
    return 0


def seed_list(values):
    """``--seeds 5`` is five seeds from the default 7 (7 to 11); more numbers are the seeds."""
    if len(values) == 1:
        if values[0] < 1:
            raise BadInput(f"--seeds {values[0]}: give a number of seeds of at least 1")
        return list(range(7, 7 + values[0]))
    if any(v < 0 for v in values) or len(set(values)) < len(values):
        raise BadInput(f"--seeds {' '.join(map(str, values))}: give distinct seeds >= 0")
    return values


def command_sweep(args):
    """``sweep``; with ``--keras A B``, one sweep per Keras environment (``<name>-keras-A``)."""
    if not args.keras:
        return sweep_one(args, None)
    from lstm_lab import environments

    for name in args.keras:
        if environments.find(name).keras2:
            raise BadInput(f"--keras {name}: Keras 2 runs the probes, not the experiments")
    return max(sweep_one(args, name) for name in args.keras)


def sweep_one(args, keras):
    import platform
    import shlex

    from tqdm import tqdm

    from lstm_lab.runners import sweep, sweep_report

    chosen = [script.stem for script in chosen_experiments(args)]
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
    cells = sweep.grid(chosen, args.backends, seeds, args.profile, keras)
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
    pairs = len(summary["claims"])
    robust = sum(row["robust"] for row in summary["claims"])
    failing = [
        f"{row['id']} on {row['backend']}" for row in summary["claims"] if not row["rate_holds"]
    ]
    print(
        f"{counts['finished']} cells run, {counts['skipped']} already finished, "
        f"{counts['failed']} failed; {robust} of {pairs} (claim, backend) pairs robust, "
        f"expected rates hold for {pairs - len(failing)} -> {sweep_dir / 'report.md'}"
    )
    if failing:
        print(f"expected seed rates do not hold: {', '.join(failing)}", file=sys.stderr)
    return EXIT_CRASH if counts["failed"] else (1 if failing else 0)


def build_parser():
    parser = OneLineParser(
        prog="lstm-lab",
        description="Run the experiments that check what LSTM tutorials claim on the installed "
        "Keras, and compare their verdicts across backends and seeds.",
        epilog="Exit codes: 0 every verdict as expected, 1 a verdict differs from the lab's "
        "expectation, 2 bad input. 'lstm-lab COMMAND --help' describes each command.",
    )
    parser.add_argument(
        "--experiments-dir",
        type=Path,
        default=project_root() / "experiments",
        help="where the NN_name.py experiment scripts are (default: the project's experiments/)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    results_dir = {"type": Path, "default": project_root() / "results", "help": "default: results/"}

    listing = commands.add_parser("list", help="the experiments and their last results")
    listing.add_argument("--results-dir", **results_dir)
    listing.set_defaults(handler=command_list)

    run = commands.add_parser("run", help="run an experiment by number, or all of them")
    run.add_argument("which", help="an experiment number such as 03, or 'all'")
    run.add_argument(
        "options",
        nargs=argparse.REMAINDER,
        help="passed on to the experiment; 'all' also takes --jobs N: N experiments at a time, "
        "each on its share of the cores (2 nearly halves the full profile's time on 2 cores)",
    )
    run.set_defaults(handler=command_run)

    fetch = commands.add_parser(
        "fetch",
        help="download every data file the experiments read (about 86 MB) into one folder",
        description="Download the IMDb reviews and word index (04), Alice in Wonderland (05) "
        "and the Starbucks prices (07), each checked against its pinned hash, into DATA_DIR "
        "for --data-dir. Files already there are kept.",
    )
    fetch.add_argument(
        "--data-dir",
        type=Path,
        default=project_root() / "data",
        help="where to put them (default: the project's data/, which git ignores)",
    )
    fetch.set_defaults(handler=command_fetch)

    explain = commands.add_parser(
        "explain",
        help="what a recurrent layer (or each one of a saved .keras model) returns, named and "
        "proven on this backend",
        description="Name every output of a recurrent layer, check which identities between "
        "them hold on random input (and which a reader might expect that do not), compare "
        "each with the layer's equations in NumPy, and count its parameters.",
        epilog='SPEC examples: "LSTM(8, return_sequences=True, return_state=True)", '
        "\"Bidirectional(GRU(4, return_state=True), merge_mode='sum')\", "
        '"Masking() | LSTM(4, return_sequences=True) | GRU(3, return_state=True)", '
        '"RNN(LSTMCell(3))", or model.keras.',
    )
    explain.add_argument(
        "spec", help="a layer expression (layers stacked with '|') or a path to a .keras model"
    )
    explain.add_argument(
        "--input-shape",
        type=input_shape,
        default=(2, 5, 3),
        metavar="B,T,F",
        help="batch, time steps, features of the random input (default 2,5,3)",
    )
    explain.add_argument("--seed", type=int, default=0, help="for the input and weights (0)")
    explain.add_argument("--backend", choices=BACKENDS, help="the Keras backend (as experiments)")
    formats = explain.add_mutually_exclusive_group()
    formats.add_argument("--markdown", action="store_true", help="tables to paste into a text")
    formats.add_argument("--json", action="store_true", help="for programs")
    explain.set_defaults(handler=command_explain)

    report = commands.add_parser("report", help="regenerate results/README.md")
    report.add_argument("--results-dir", **results_dir)
    report.set_defaults(handler=command_report)
    matrix = commands.add_parser(
        "conformance", help="run every experiment on every backend and compare the verdicts"
    )
    matrix.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        default=list(BACKENDS),
        metavar="BACKEND",
        help=f"default: all of {', '.join(BACKENDS)}",
    )
    matrix.add_argument(
        "--experiments", nargs="+", default=[], metavar="NN", help="default: every experiment"
    )
    matrix.add_argument("--profile", choices=["full", "quick"], default="full")
    matrix.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"passed to every run (default {DEFAULT_SEED})",
    )
    matrix.add_argument("--data-dir", type=Path, help="passed to every run (see the README)")
    matrix.add_argument("--results-dir", **results_dir)
    matrix.add_argument(
        "--matrix-only",
        action="store_true",
        help="run nothing: rebuild the matrix from the runs already in the results directory",
    )
    matrix.add_argument(
        "--keras",
        nargs="+",
        metavar="NAME",
        help="Keras environments of environments.toml (2 3.12 3.13 3.14 3.15): run in each, "
        "built by uv if need be, and write results/versions.md instead",
    )
    matrix.add_argument(
        "--jobs", type=int, default=1, help="with --keras: runs at a time (default 1)"
    )
    matrix.set_defaults(handler=command_conformance)

    finding = commands.add_parser(
        "findings", help="run every Keras finding's reproduction in each Keras environment"
    )
    finding.add_argument(
        "--keras",
        nargs="+",
        default=["3.12", "3.13", "3.14", "3.15"],
        metavar="NAME",
        help="Keras environments (default 3.12 to 3.15)",
    )
    finding.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    finding.add_argument("--jobs", type=int, default=1, help="runs at a time (default 1)")
    finding.add_argument(
        "--matrix-only", action="store_true", help="run nothing: re-render results/findings.json"
    )
    finding.add_argument("--results-dir", **results_dir)
    finding.set_defaults(handler=command_findings)

    env = commands.add_parser(
        "env",
        help="the Keras environments of environments.toml: list them, or build them with uv",
    )
    env.add_argument("action", choices=["list", "build"])
    env.add_argument("names", nargs="*", metavar="NAME", help="build: default every one")
    env.add_argument("--rebuild", action="store_true", help="build: even if built")
    env.set_defaults(handler=command_env)

    sweeping = commands.add_parser(
        "sweep", help="run experiments x backends x seeds on Ray and count each verdict"
    )
    sweeping.add_argument(
        "--experiments", nargs="+", default=[], metavar="NN", help="default: every experiment"
    )
    sweeping.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        default=["tensorflow"],
        metavar="BACKEND",
        help=f"any of {', '.join(BACKENDS)} (default: tensorflow)",
    )
    sweeping.add_argument(
        "--seeds",
        nargs="+",
        type=int,
        default=[5],
        metavar="N",
        help="a number of seeds counted from 7 (default 5: seeds 7 to 11), or a list of seeds",
    )
    sweeping.add_argument("--profile", choices=["full", "quick"], default="full")
    sweeping.add_argument(
        "--name", help="the sweep's folder under results/sweeps/ (default: PROFILE-N-seeds)"
    )
    sweeping.add_argument(
        "--address",
        help="join a running Ray cluster (HOST:PORT, or 'auto'); default: start a local Ray",
    )
    sweeping.add_argument(
        "--cpus", type=int, help="CPUs of the local Ray (default: every core of this machine)"
    )
    sweeping.add_argument(
        "--cpus-per-cell", type=float, default=1, help="CPUs Ray reserves for a cell (default 1)"
    )
    sweeping.add_argument("--data-dir", type=Path, help="the data files the cells need")
    sweeping.add_argument(
        "--keras",
        nargs="+",
        metavar="NAME",
        help="Keras environments of environments.toml: one sweep each, its cells run there "
        "(each machine builds the environment with uv)",
    )
    sweeping.add_argument("--results-dir", **results_dir)
    sweeping.set_defaults(handler=command_sweep)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    args.invocation = sys.argv[1:] if argv is None else list(argv)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe fails here, inside the try, not at exit
        return code
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `lstm-lab list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 0
