"""The conformance matrix: every claim's verdict on every backend, side by side.

    python -m lstm_lab conformance [--backends tensorflow jax torch] [--profile full]

runs every experiment on every backend, each in a fresh process (Keras fixes its backend at
import), then reads the runs' metrics and writes ``results/conformance.md`` and
``conformance.json``: one row per claim id, one column per backend and device, the rows
whose verdicts differ first. TensorFlow's runs are the reference in ``results/<experiment>/``;
the others go to ``results/backends/<backend>/<experiment>/``.
"""

import os
import subprocess
import time
from pathlib import Path

from lstm_lab.files import locked, write_json_and_markdown
from lstm_lab.report.index import write_index
from lstm_lab.report.markdown import markdown_table, short, verdict_text
from lstm_lab.report.questions import write_questions
from lstm_lab.results.layout import REFERENCE_BACKEND, backend_results_dir, seed_counts
from lstm_lab.runners.launch import script_command
from lstm_lab.runners.matrix import (
    BEFORE_CONTROLS,
    cell,
    error_cells,
    judged_claims,
    new_run_id,
    read_run,
    run_variables,
)

SEED_COUNT_KEYS = ("sweep", "runs", "as_expected", "required", "rate_holds", "robust")


def readable_path(path):
    """``path`` relative to the working directory where it lies below it (for the commands
    that reports record), else as it is."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run_everywhere(scripts, backends, results_dir, options):
    """Run each script on each backend in a fresh process, each with its own run id;
    ``{(backend, name): (exit code, run id)}``."""
    codes = {}
    started = time.perf_counter()
    total, done = len(scripts) * len(backends), 0
    for backend in backends:
        for script in scripts:
            done += 1
            print(
                f"== [{done}/{total}, {time.perf_counter() - started:.0f} s] {script.stem} "
                f"on {backend}",
                flush=True,
            )
            results = readable_path(backend_results_dir(results_dir, backend))
            command = script_command(
                script, "--backend", backend, "--results-dir", results, *options
            )
            run_id = new_run_id()
            code = subprocess.call(command, env={**os.environ, **run_variables(run_id)})
            codes[(backend, script.stem)] = (code, run_id)
    return codes


def collect(names, backends, results_dir, codes, profile):
    """The matrix as plain data: columns (backend, device), the rows and the failed runs.

    ``codes`` maps (backend, experiment) to the (exit code, run id) of the runs this
    invocation started (empty: read the committed runs as they are). The rules of
    :func:`lstm_lab.runners.matrix.read_run` decide which runs are read; a failed run is
    listed under ``failed`` and its claims are *error* cells with its cause."""
    columns, rows, failed, before_controls = {}, {}, [], []
    for backend in backends:
        for name in names:
            code, run_id = codes.get((backend, name), (None, None))
            folder = backend_results_dir(results_dir, backend)
            data, cause = read_run(folder, name, profile, code=code, run_id=run_id)
            if cause:
                failed.append({"backend": backend, "experiment": name, "why": cause})
                claims = error_cells(name, cause)
            else:
                columns[backend] = data.get("device", "cpu")
                claims, uncontrolled = judged_claims(data)
                if uncontrolled:
                    before_controls.append({"backend": backend, "experiment": name})
            for claim in claims:
                row = rows.setdefault(claim["id"], {"experiment": name, "verdicts": {}})
                row["verdicts"][backend] = cell(claim)
    for backend in backends:
        columns.setdefault(backend, "no run")
    swept = seed_counts(results_dir, profile)
    for claim_id, row in rows.items():
        row["across_seeds"] = {
            backend: {key: swept[(claim_id, backend)][key] for key in SEED_COUNT_KEYS}
            for backend in backends
            if (claim_id, backend) in swept
        }
    for row in rows.values():
        verdicts = {v["verdict"] for v in row["verdicts"].values()}
        row["complete"] = len(row["verdicts"]) == len(columns)  # a verdict on every backend
        row["agrees"] = len(verdicts) == 1 and row["complete"]
        row["differs"] = len(verdicts) > 1
    return {
        "profile": profile,
        "columns": columns,
        "claims": rows,
        "failed": failed,
        "before_controls": before_controls,
    }


def summary_line(matrix):
    rows = list(matrix["claims"].values())
    agreeing = sum(row["agrees"] for row in rows)
    differing = sum(row["differs"] for row in rows)
    incomplete = len(rows) - agreeing - differing
    return (
        f"{len(rows)} claims on {len(matrix['columns'])} backends: {agreeing} "
        f"agree on every backend, {differing} differ"
        + (f", {incomplete} agree where run but lack a run" if incomplete else "")
        + (f"; {len(matrix['failed'])} run(s) missing or failed" if matrix["failed"] else "")
    )


def _cell(entry):
    if entry is None:
        return "no run"
    verdict = verdict_text(entry)
    observed = entry["observed"]
    if isinstance(observed, dict) and all(isinstance(v, bool) for v in observed.values()):
        failing = [name for name, holds in observed.items() if not holds]
        observed = f"not: {'; '.join(failing)}" if failing else f"all {len(observed)} hold"
    observed = "" if observed is None else f": {short(observed, 90)}"
    return f"{verdict}{observed}".replace("|", "\\|")


def _across_seeds(row, backends):
    """``"tensorflow 5/5, jax 3/3"``: per backend, on how many seeds of its sweep the claim
    was as expected; bold where the lab's expected rate does not hold."""
    parts = []
    for backend in backends:
        entry = row.get("across_seeds", {}).get(backend)
        if entry:
            text = f"{backend} {entry['as_expected']}/{entry['runs']}"
            parts.append(text if entry.get("rate_holds", entry["robust"]) else f"**{text}**")
    return ", ".join(parts) or "–"


def render(matrix):
    backends = list(matrix["columns"])
    ordered = sorted(
        matrix["claims"].items(),
        key=lambda item: (not item[1]["differs"], item[1]["agrees"], item[0]),
    )
    rows = [
        [
            claim_id,
            row["experiment"][:2],
            "**no**" if row["differs"] else ("yes" if row["agrees"] else "where run"),
        ]
        + [_cell(row["verdicts"].get(backend)) for backend in backends]
        + [_across_seeds(row, backends)]
        for claim_id, row in ordered
    ]
    header = (
        ["claim", "exp.", "same everywhere"]
        + [f"{backend} ({device})" for backend, device in matrix["columns"].items()]
        + ["seeds as expected (sweeps)"]
    )
    differing = [(claim_id, row) for claim_id, row in ordered if row["differs"]]
    why = [
        f"- **{claim_id}** on {backend}: {short(entry['evidence'], 400)}"
        for claim_id, row in differing
        for backend, entry in row["verdicts"].items()
        if entry["verdict"] != row["verdicts"].get(REFERENCE_BACKEND, {}).get("verdict")
    ]
    lines = [
        "# Conformance: every claim on every Keras backend",
        "",
        "Generated by `python -m lstm_lab conformance`; do not edit by hand. Each cell is the",
        "verdict of one run of the experiment on that backend (a fresh process each), with its",
        "observed value. Rows whose verdicts differ between backends come first: each is a",
        "finding, explained below by the run's own evidence. *not run* means the check needs",
        "what that run did not have (a GPU); it never counts as confirmed. The last column",
        "counts, per backend, the seeds of its sweep (`results/sweeps/`) on which the verdict",
        "was the expected one: bold where that falls short of the lab's expected rate.",
        "",
        f"**{summary_line(matrix)}** ({matrix['profile']} profile).",
        "",
        markdown_table(header, rows),
    ]
    if why:
        lines += ["", "## Why the differing rows differ", "", *why]
    if matrix["failed"]:
        lines += ["", "## Runs that failed", ""]
        lines += [f"- {f['experiment']} on {f['backend']}: {f['why']}" for f in matrix["failed"]]
    if matrix.get("before_controls"):
        lines += ["", "## Runs measured before the lab had controls", "", BEFORE_CONTROLS, ""]
        lines += [f"- {r['experiment']} on {r['backend']}" for r in matrix["before_controls"]]
    return "\n".join(lines) + "\n"


def write_matrix(results_dir, matrix):
    """``conformance.md`` and ``conformance.json`` in ``results_dir``, then the index."""
    written = write_json_and_markdown(results_dir, "conformance", matrix, render(matrix))
    with locked(results_dir):
        write_index(results_dir)
    if (results_dir / "versions.json").exists():
        write_questions(results_dir)
    return written
