"""``conformance``: every experiment on every backend (or Keras release), side by side."""

from lstm_lab.commands.options import (
    add_backends,
    add_experiments,
    add_jobs,
    add_profile,
    add_results_dir,
    add_seed,
    chosen_experiments,
    run_options,
)

HELP = "run every experiment on every backend and compare the verdicts"


def add_arguments(parser):
    from pathlib import Path

    add_backends(parser)
    add_experiments(parser)
    add_profile(parser)
    add_seed(parser)
    parser.add_argument("--data-dir", type=Path, help="passed to every run (see the README)")
    add_results_dir(parser)
    parser.add_argument(
        "--matrix-only",
        action="store_true",
        help="run nothing: rebuild the matrix from the runs already in the results directory",
    )
    parser.add_argument(
        "--keras",
        nargs="+",
        metavar="NAME",
        help="Keras environments of environments.toml (see `env list`): run in each, built by "
        "uv if need be, and write results/versions.md instead (the whole matrix: the cells not "
        "run come from the runs already in the results directory)",
    )
    add_jobs(parser, "with --keras: runs at a time")


def run(args):
    from lstm_lab.runners import conformance
    from lstm_lab.runners.matrix import matrix_exit_code

    chosen = chosen_experiments(args)
    if args.keras:
        return version_matrix(args, chosen)
    codes = {}
    if not args.matrix_only:
        codes = conformance.run_everywhere(
            chosen, args.backends, args.results_dir, run_options(args)
        )
    names = [script.stem for script in chosen]
    matrix = conformance.collect(names, args.backends, args.results_dir, codes, args.profile)
    written = conformance.write_matrix(args.results_dir, matrix)
    print(f"{conformance.summary_line(matrix)} -> {written}")
    return matrix_exit_code(matrix)


def version_matrix(args, chosen):
    """``conformance --keras NAME ...``: the experiments in each Keras environment, then the
    page of every environment, backend and experiment."""
    from lstm_lab import BACKENDS, environments
    from lstm_lab.runners import versions
    from lstm_lab.runners.discover import find_experiments
    from lstm_lab.runners.matrix import matrix_exit_code

    known = environments.load()
    chosen_environments = [environments.find(name, known) for name in args.keras]
    codes = {}
    if not args.matrix_only:
        codes = versions.run_matrix(
            chosen_environments,
            args.backends,
            chosen,
            args.results_dir,
            run_options(args),
            args.jobs,
            progress=lambda line: print(line, flush=True),
        )
    # The page is always the whole matrix: the cells just run beside every other cell's run
    # already in the results directory, so a run of a few cells never shrinks it.
    names = [script.stem for script in find_experiments(args.experiments_dir).values()]
    matrix = versions.collect(
        list(known.values()), BACKENDS, names, args.results_dir, args.profile, codes
    )
    written = versions.write_matrix(args.results_dir, matrix)
    print(f"{versions.summary_line(matrix)} -> {written}")
    return matrix_exit_code(matrix)
