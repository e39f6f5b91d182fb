"""A sweep's verdicts as rates: every claim "confirmed in k of N seeds" on every backend, and
every metric's spread, from the cells' metrics.json files (:mod:`lstm_lab.sweep` runs them).

``results/sweeps/<name>/report.md`` and ``summary.json``, with one strip plot per experiment.
A claim is *robust* on a backend when its verdict is the same on every seed.
"""

import json
import math
import time
from pathlib import Path

import numpy as np

from lstm_lab.render import markdown_table, short
from lstm_lab.results import read_metrics, write_file_atomically


def cell_runs(sweep_dir):
    """Every finished cell's metrics.json, as dictionaries, in (experiment, backend, seed)
    order."""
    runs = [read_metrics(path) for path in Path(sweep_dir).glob("cells/*/seed-*/*/metrics.json")]
    return sorted(runs, key=lambda r: (r["experiment"], r.get("backend", ""), r["seed"]))


def numbers_in(metrics, prefix=""):
    """``{"a/b": 0.5, ...}``: the finite numbers of a (nested) metrics dictionary."""
    found = {}
    for name, value in metrics.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            found.update(numbers_in(value, key + "/"))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if math.isfinite(value):
                found[key] = float(value)
    return found


def summarise(runs):
    """The sweep as plain data: per (experiment, claim, backend) the verdict on each seed, and
    per (experiment, metric, backend) the values and their mean, sd, min and max."""
    claims, metrics = {}, {}
    for run in runs:
        backend, seed = run.get("backend", "tensorflow"), run["seed"]
        for claim in run["claims"]:
            row = claims.setdefault(
                (run["experiment"], claim["id"], backend),
                {"expect": claim["expect"], "seeds": [], "verdicts": [], "observed": []},
            )
            row["seeds"].append(seed)
            row["verdicts"].append(claim["verdict"])
            row["observed"].append(claim.get("observed"))
        for name, value in numbers_in(run.get("metrics", {})).items():
            row = metrics.setdefault(
                (run["experiment"], name, backend), {"seeds": [], "values": []}
            )
            row["seeds"].append(seed)
            row["values"].append(value)
    claim_rows = []
    for (experiment, claim_id, backend), row in claims.items():
        n = len(row["verdicts"])
        confirmed = row["verdicts"].count("confirmed")
        as_expected = sum(v == row["expect"] for v in row["verdicts"])
        claim_rows.append(
            {
                "experiment": experiment,
                "id": claim_id,
                "backend": backend,
                **row,
                "runs": n,
                "confirmed": confirmed,
                "as_expected": as_expected,
                "robust": len(set(row["verdicts"])) == 1,
            }
        )
    metric_rows = []
    for (experiment, name, backend), row in metrics.items():
        values = np.array(row["values"])
        metric_rows.append(
            {
                "experiment": experiment,
                "metric": name,
                "backend": backend,
                "mean": float(values.mean()),
                "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                "min": float(values.min()),
                "max": float(values.max()),
                **row,
            }
        )
    return {"claims": claim_rows, "metrics": metric_rows}


def strip_figures(summary):
    """``{file name: PNG bytes}``: per experiment, every metric's value on each seed."""
    from lstm_lab.plots import seed_strips
    from lstm_lab.report import png_bytes

    figures = {}
    for experiment in sorted({row["experiment"] for row in summary["metrics"]}):
        values = {}
        for row in summary["metrics"]:
            if row["experiment"] == experiment:
                values.setdefault(row["metric"], {})[row["backend"]] = row["values"]
        # A metric that no seed or backend changes (a setting, a baseline) is in the table only.
        values = {
            name: by_backend
            for name, by_backend in values.items()
            if len({v for seeds in by_backend.values() for v in seeds}) > 1
        }
        if not values:
            continue
        fig = seed_strips(values, f"{experiment}: each metric on each seed")
        figures[f"{experiment}_metrics.png"] = png_bytes(fig, dpi=90)
    return figures


def observed_per_seed(row):
    """The observed values of a claim row: once when every seed saw the same, else by seed."""
    values = [json.dumps(value, sort_keys=True) for value in row["observed"]]
    if len(set(values)) == 1:
        return f"every seed: {short(row['observed'][0], 60)}"
    return "; ".join(f"{s}: {short(v, 40)}" for s, v in zip(row["seeds"], row["observed"]))


def render(name, summary, header):
    """``report.md`` of a sweep; ``header`` holds the sweep's settings and wall time."""
    lines = [
        f"# Sweep {name}: verdicts across seeds",
        "",
        "Generated by `python -m lstm_lab sweep`; do not edit by hand.",
        "",
        f"- Command: `{header['command']}`",
        f"- Profile: {header['profile']} · seeds {', '.join(map(str, header['seeds']))} · "
        f"backends {', '.join(header['backends'])}",
        f"- Cells: {header['cells']} ({header['failed']} failed) · wall time of the last "
        f"invocation {header['wall_seconds']} s · machine: {header['machine']}",
        "",
        "A claim is **robust** on a backend when its verdict is the same on every seed. "
        "*as expected* counts the seeds whose verdict is the one the lab expects.",
        "",
    ]
    not_robust = [row for row in summary["claims"] if not row["robust"]]
    lines += [
        f"**{len(summary['claims']) - len(not_robust)} of {len(summary['claims'])} "
        "(claim, backend) pairs are robust.**",
        "",
    ]
    for experiment in sorted({row["experiment"] for row in summary["claims"]}):
        claim_rows = [row for row in summary["claims"] if row["experiment"] == experiment]
        lines += [f"## {experiment}", "", "### Claims", ""]
        lines.append(
            markdown_table(
                ["claim", "backend", "confirmed", "as expected", "robust", "observed per seed"],
                [
                    [
                        row["id"],
                        row["backend"],
                        f"{row['confirmed']} of {row['runs']}",
                        f"{row['as_expected']} of {row['runs']}",
                        "yes" if row["robust"] else "**no**",
                        observed_per_seed(row),
                    ]
                    for row in claim_rows
                ],
            )
        )
        metric_rows = [row for row in summary["metrics"] if row["experiment"] == experiment]
        if metric_rows:
            lines += ["", "### Metrics", ""]
            lines.append(
                markdown_table(
                    ["metric", "backend", "mean", "sd", "min", "max", "seeds"],
                    [
                        [row["metric"], row["backend"]]
                        + [f"{row[k]:.4g}" for k in ("mean", "sd", "min", "max")]
                        + [len(row["values"])]
                        for row in metric_rows
                    ],
                )
            )
            if any(row["min"] != row["max"] for row in metric_rows):
                lines += ["", f"![Each metric on each seed]({experiment}_metrics.png)"]
        lines.append("")
    return "\n".join(lines)


def write_report(sweep_dir, name, header):
    """Write ``report.md``, ``summary.json`` and the strip plots of a sweep; returns the
    summary."""
    sweep_dir = Path(sweep_dir)
    started = time.perf_counter()
    summary = summarise(cell_runs(sweep_dir))
    for file_name, png in strip_figures(summary).items():
        write_file_atomically(sweep_dir / file_name, png)
    data = {"name": name, **header, **summary}
    write_file_atomically(sweep_dir / "summary.json", (json.dumps(data, indent=2) + "\n").encode())
    write_file_atomically(sweep_dir / "report.md", render(name, summary, header).encode())
    summary["seconds"] = time.perf_counter() - started
    return summary
