"""Where everything lives in the results tree, and the one reader of the committed sweeps'
summaries.
"""

import json
from pathlib import Path

INDEX_NAME = "README.md"


SOURCES_NAME = "sources.md"


def runs_in(results_dir):
    """Every ``results_dir/<experiment>/metrics.json`` in name order, hidden folders left out."""
    return [
        path
        for path in sorted(Path(results_dir).glob("*/metrics.json"))
        if not path.parent.name.startswith(".")
    ]


def results_root(results_dir):
    """The results folder that holds the sweeps and ``sources.md``: ``results_dir`` itself, or
    for a backend's runs (``<root>/backends/<backend>/``) its root."""
    results_dir = Path(results_dir)
    return results_dir.parent.parent if results_dir.parent.name == "backends" else results_dir


def sweeps_covering(results_dir, experiment, backend, profile):
    """``[(name, report.md, seeds)]``: the sweeps with cells of ``experiment`` on ``backend``
    with ``profile``, found in the results root that holds ``results_dir``."""
    root = results_root(results_dir)
    found = []
    for summary_file in sorted((root / "sweeps").glob("*/summary.json")):
        try:
            swept_profile = json.loads(summary_file.read_text()).get("profile")
        except (OSError, ValueError):
            continue
        cells = list(summary_file.parent.glob(f"cells/{backend}/seed-*/{experiment}/metrics.json"))
        if swept_profile == profile and cells:
            found.append((summary_file.parent.name, summary_file.parent / "report.md", len(cells)))
    return found


def seed_counts(results_dir, profile):
    """``{(claim id, backend): row}`` from the sweeps in ``results_dir/sweeps`` of
    ``profile``: each claim's row from the sweep with the most seeds of it on that backend."""
    best = {}
    for summary_file in sorted(Path(results_dir).glob("sweeps/*/summary.json")):
        summary = json.loads(summary_file.read_text())
        if summary.get("profile") != profile:
            continue
        for row in summary["claims"]:
            key = (row["id"], row["backend"])
            if key not in best or row["runs"] > best[key]["runs"]:
                best[key] = {**row, "sweep": summary_file.parent.name}
    return best
