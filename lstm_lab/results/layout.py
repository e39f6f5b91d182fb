"""Where everything lives in the results tree, and the one reader of a run's metrics.json
and of the committed sweeps' summaries.
"""

import json
import os
from pathlib import Path

from lstm_lab.errors import BadInput

INDEX_NAME = "README.md"
SOURCES_NAME = "sources.md"
REFERENCE_BACKEND = "tensorflow"  # its runs are results/<experiment>/, the others' below


METRICS_NAME = "metrics.json"
KERAS2_PROBES = "keras2_probes"  # the Keras 2 environment's one "experiment"
RUN_ID_VARIABLE = "LSTM_LAB_RUN_ID"  # a runner's id for the run it starts, kept in its metrics


def metrics_file(results_dir, experiment):
    """``results_dir/<experiment>/metrics.json``."""
    return Path(results_dir) / experiment / METRICS_NAME


def crash_file(results_dir, experiment):
    """Where a run of ``experiment`` that crashed leaves its traceback, beside its folder:
    ``results_dir/<experiment>.crash.txt`` (removed by the next run that writes a report)."""
    return Path(results_dir) / f"{experiment}.crash.txt"


def runs_in(results_dir):
    """Every ``results_dir/<experiment>/metrics.json`` in name order, hidden folders left out."""
    return [
        path
        for path in sorted(Path(results_dir).glob(f"*/{METRICS_NAME}"))
        if not path.parent.name.startswith(".")
    ]


def results_root(results_dir):
    """The results folder that holds the sweeps and ``sources.md``: ``results_dir`` itself, or
    for a backend's runs (``<root>/backends/<backend>/``) its root."""
    results_dir = Path(results_dir)
    return results_dir.parent.parent if results_dir.parent.name == "backends" else results_dir


def findings_link(results_dir, experiment, anchor=""):
    """How a report in ``results_dir/<experiment>/`` names the findings page: a relative
    Markdown link where its results folder has one (a version cell's has none), else text."""
    findings = results_root(results_dir) / "findings.md"
    if not findings.exists():
        return "results/findings.md"
    link = os.path.relpath(findings, Path(results_dir) / experiment)
    return f"[results/findings.md]({Path(link).as_posix()}{anchor})"


def sweep_dir(results_dir, name):
    """Where the sweep ``name`` is written: ``<results>/sweeps/<name>/``."""
    return results_root(results_dir) / "sweeps" / name


def cell_dir(sweep_folder, backend, seed):
    """The results folder of a sweep's cells on ``backend`` with ``seed`` (one experiment's
    folder each inside)."""
    return Path(sweep_folder) / "cells" / backend / f"seed-{seed}"


def backend_results_dir(results_dir, backend):
    """Where a backend's runs are written: the reference backend's in ``results_dir``
    itself, another's in ``<results_dir>/backends/<backend>/``."""
    results_dir = Path(results_dir)
    return results_dir if backend == REFERENCE_BACKEND else results_dir / "backends" / backend


def version_results_dir(results_dir, keras, backend):
    """Where the runs of the version matrix in Keras environment ``keras`` on ``backend`` go:
    ``<results>/versions/keras-<keras>/<backend>/``."""
    return results_root(results_dir) / "versions" / f"keras-{keras}" / backend


def sweep_summaries(results_dir, profile):
    """``[(sweep folder, summary)]``: every committed sweep of ``profile`` in the results root
    that holds ``results_dir``, in name order; a summary that cannot be read is skipped."""
    found = []
    for summary_file in sorted((results_root(results_dir) / "sweeps").glob("*/summary.json")):
        try:
            summary = json.loads(summary_file.read_text())
        except (OSError, ValueError):
            continue
        if summary.get("profile") == profile:
            found.append((summary_file.parent, summary))
    return found


def sweeps_covering(results_dir, experiment, backend, profile):
    """``[(name, report.md, seeds)]``: the sweeps with cells of ``experiment`` on ``backend``
    with ``profile``."""
    found = []
    for folder, _ in sweep_summaries(results_dir, profile):
        cells = list(folder.glob(f"cells/{backend}/seed-*/{experiment}/{METRICS_NAME}"))
        if cells:
            found.append((folder.name, folder / "report.md", len(cells)))
    return found


def seed_counts(results_dir, profile):
    """``{(claim id, backend): row}`` from the sweeps of ``profile``: each claim's row from
    the sweep with the most seeds of it on that backend."""
    best = {}
    for folder, summary in sweep_summaries(results_dir, profile):
        for row in summary["claims"]:
            key = (row["id"], row["backend"])
            if key not in best or row["runs"] > best[key]["runs"]:
                best[key] = {**row, "sweep": folder.name}
    return best


def read_metrics(metrics_file):
    """A run's metrics.json, checked for what the index and ``list`` need; BadInput if not."""
    try:
        data = json.loads(Path(metrics_file).read_text())
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        for key in ("profile", "wall_seconds", "claims"):
            if key not in data:
                raise KeyError(key)
        for claim in data["claims"]:
            for key in ("id", "verdict", "expect"):
                if key not in claim:
                    raise KeyError(key)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BadInput(
            f"{metrics_file} is not a valid metrics file: {type(error).__name__} {error}"
        )
    return data
