"""``findings``: every Keras finding's reproduction in each Keras environment, or on the patch
releases around where it appears (``--patches``)."""

from pathlib import Path

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
    parser.add_argument(
        "--patches",
        action="store_true",
        help="the patch scan instead: each finding's `scan` releases of findings.toml",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="FINDING",
        help="these findings only, their cells put into the committed results beside the rest",
    )
    parser.add_argument(
        "--envs", type=Path, help="with --patches: build the environments here and keep them"
    )
    add_results_dir(parser)


def run(args):
    import json
    import os
    import platform

    from lstm_lab import environments, findings
    from lstm_lab.runners import findings as finding_runs
    from lstm_lab.runners.versions import build_all

    catalogue = findings.load()
    unknown = sorted(set(args.only or []) - set(catalogue))
    if unknown:
        raise BadInput(f"--only: no finding {', '.join(unknown)} (known: {', '.join(catalogue)})")
    if args.patches:
        progress = lambda line: print(line, flush=True)  # noqa: E731
        print(
            finding_runs.patch_scan(
                catalogue, args.only, args.jobs, args.envs, args.results_dir, progress
            )
        )
        return 0
    if args.envs:
        raise BadInput("--envs goes with --patches")
    if args.only and args.matrix_only:
        raise BadInput("--only runs findings; --matrix-only runs none")
    known = environments.load()
    names = args.keras or list(known)
    chosen = [environments.find(name, known) for name in names]
    chosen = [environment for environment in chosen if not environment.keras2]
    if not chosen:
        raise BadInput(
            "--keras: name at least one Keras 3 environment (the reproductions are Keras 3 code)"
        )
    if args.matrix_only:  # the committed outcomes, rendered with today's findings.toml
        measured = json.loads((args.results_dir / "findings.json").read_text())
        written = finding_runs.write(
            args.results_dir, catalogue, measured["findings"], measured["measured_on"]
        )
        print(f"{len(catalogue)} findings -> {written}")
        return 0
    pythons = build_all(chosen, progress=lambda line: print(line, flush=True))
    selected = {name: catalogue[name] for name in (args.only or catalogue)}
    results = finding_runs.run_all(selected, chosen, args.backends, pythons, args.jobs)
    machine = f"{platform.machine()} CPU, {os.cpu_count()} cores, no GPU"
    if args.only:  # the other findings' cells stay as committed
        committed = args.results_dir / "findings.json"
        merged = json.loads(committed.read_text())["findings"] if committed.exists() else {}
        for name, cells in results.items():
            merged.setdefault(name, {}).update(cells)
        results = merged
    written = finding_runs.write(args.results_dir, catalogue, results, machine)
    print(f"{len(selected)} findings in {len(chosen)} Keras environments -> {written}")
    return 0
