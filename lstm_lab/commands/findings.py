"""``findings``: every Keras finding's reproduction in each Keras environment."""

from lstm_lab.commands.options import add_backends, add_jobs, add_results_dir
from lstm_lab.errors import BadInput

HELP = "run every Keras finding's reproduction in each Keras environment"


def add_arguments(parser):
    parser.add_argument(
        "--keras",
        nargs="+",
        metavar="NAME",
        help="Keras environments (default: every Keras 3 one of environments.toml)",
    )
    add_backends(parser)
    add_jobs(parser)
    parser.add_argument(
        "--matrix-only", action="store_true", help="run nothing: re-render results/findings.json"
    )
    add_results_dir(parser)


def run(args):
    import json
    import os
    import platform

    from lstm_lab import environments, findings
    from lstm_lab.runners import findings as finding_runs
    from lstm_lab.runners.versions import build_all

    known = environments.load()
    names = args.keras or list(known)
    chosen = [environments.find(name, known) for name in names]
    chosen = [environment for environment in chosen if not environment.keras2]
    if not chosen:
        raise BadInput(
            "--keras: name at least one Keras 3 environment (the reproductions are Keras 3 code)"
        )
    catalogue = findings.load()
    if args.matrix_only:  # the committed outcomes, rendered with today's findings.toml
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
