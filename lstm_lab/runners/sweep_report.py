"""A sweep's verdicts as rates: every claim "confirmed in k of N seeds" on every backend, and
every metric's spread, from the cells' metrics (:mod:`lstm_lab.runners.sweep`
runs them).

``results/sweeps/<name>/report.md`` and ``summary.json``, with one strip plot per experiment.
A claim is *robust* on a backend when its verdict is the same on every seed. A training claim
has a seed rate in its record (``seed_rates``): the sweep checks it (*rate holds*); every
other claim is expected to be as expected on every seed.

A sweep may be run in several invocations into one folder (more experiments, another
backend): the report describes the cells there are, and lists every invocation with its wall
time (``invocations.json``).
"""

import json
import time
from pathlib import Path

import numpy as np

from lstm_lab.arrays import numbers_in
from lstm_lab.claims.catalogue import RECORDS, seed_rate
from lstm_lab.errors import BadInput
from lstm_lab.files import write_file_atomically
from lstm_lab.report.markdown import markdown_table, short
from lstm_lab.results.layout import METRICS_NAME, read_metrics

INVOCATIONS_FILE = "invocations.json"


def cell_runs(sweep_dir):
    """Every finished cell's metrics, as dictionaries, in (experiment, backend, seed)
    order."""
    runs = [read_metrics(path) for path in Path(sweep_dir).glob(f"cells/*/seed-*/*/{METRICS_NAME}")]
    return sorted(runs, key=lambda r: (r["experiment"], r.get("backend", ""), r["seed"]))


def summarise(runs):
    """The sweep as plain data: per (experiment, claim, backend) the verdict on each seed, and
    per (experiment, metric, backend) the values and their mean, sd, min and max."""
    claims, metrics, seconds = {}, {}, {}
    for run in runs:
        backend, seed = run.get("backend", "tensorflow"), run["seed"]
        seconds.setdefault((run["experiment"], backend), []).append(run["wall_seconds"])
        for claim in run["claims"]:
            row = claims.setdefault(
                (run["experiment"], claim["id"], backend),
                {
                    "expect": claim["expect"],
                    "profile": run["profile"],
                    "seeds": [],
                    "verdicts": [],
                    "observed": [],
                },
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
        as_expected = sum(v == row["expect"] for v in row["verdicts"])
        if claim_id not in RECORDS:
            raise BadInput(
                f"the sweep's {experiment} cells on {backend} record {claim_id}, which the "
                "catalogue no longer has: run those cells again (delete them first)"
            )
        rate = seed_rate(claim_id, row.pop("profile"), backend)
        required = rate.required(n) if rate else n
        claim_rows.append(
            {
                "experiment": experiment,
                "id": claim_id,
                "backend": backend,
                **row,
                "runs": n,
                "confirmed": row["verdicts"].count("confirmed"),
                "as_expected": as_expected,
                "seed_rate": rate.to_dict() if rate else None,
                "required": required,
                "rate_holds": rate.holds(as_expected, n) if rate else as_expected == n,
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
    cell_seconds = [
        {
            "experiment": experiment,
            "backend": backend,
            "cells": len(values),
            "mean": round(float(np.mean(values)), 1),
            "total": round(float(np.sum(values)), 1),
        }
        for (experiment, backend), values in sorted(seconds.items())
    ]
    return {"claims": claim_rows, "metrics": metric_rows, "cell_seconds": cell_seconds}


def describe_cells(runs):
    """What the folder holds: the profile, and per backend its seeds and experiments."""
    backends = {}
    for run in runs:
        entry = backends.setdefault(
            run.get("backend", "tensorflow"), {"seeds": set(), "experiments": set()}
        )
        entry["seeds"].add(run["seed"])
        entry["experiments"].add(run["experiment"])
    return {
        "profile": ", ".join(sorted({run["profile"] for run in runs})),
        "backends": {
            backend: {"seeds": sorted(entry["seeds"]), "experiments": sorted(entry["experiments"])}
            for backend, entry in backends.items()
        },
        "cells": len(runs),
    }


def rate_text(row):
    """What the lab expects of a claim row: ``"every seed"``, or a training claim's rate on
    this many seeds (``">= 4 of 5 (training)"``)."""
    if not row["seed_rate"]:
        return "every seed"
    rate = row["seed_rate"]
    if row["required"] == 0:
        return (
            f"untestable on {row['runs']} seed(s): a rate of {rate['at_least']} of {rate['of']} "
            "allows any count (binomial test, alpha 0.05)"
        )
    return f">= {row['required']} of {row['runs']} (training; binomial test, alpha 0.05)"


def strip_figures(summary):
    """``{file name: PNG bytes}``: per experiment, every metric's value on each seed."""
    from lstm_lab.report.figures import png_bytes, seed_strips

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


def seeds_text(seeds):
    """``"7-11"`` for consecutive seeds, else ``"7, 9"``."""
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(map(str, seeds))


def render(name, summary, cells, invocations):
    """``report.md`` of a sweep: ``cells`` from :func:`describe_cells`, ``invocations`` the
    commands that ran it, each with its wall time and machine."""
    lines = [
        f"# Sweep {name}: verdicts across seeds",
        "",
        "Generated by `python -m lstm_lab sweep`; do not edit by hand.",
        "",
        f"- Profile: {cells['profile']} · {cells['cells']} cells (one run of one experiment "
        "with one seed on one backend, each in its own process)",
    ]
    for backend, entry in cells["backends"].items():
        lines.append(
            f"- {backend}: seeds {seeds_text(entry['seeds'])} · experiments "
            + ", ".join(e[:2] for e in entry["experiments"])
        )
    lines += ["", "Run by:", ""]
    lines += [
        f"- `{run['command']}`: {run['cells_run']} cells run ({run['failed']} failed) in "
        f"{run['wall_seconds']} s wall time on {run['machine']}"
        + (f", {run['finished_at']}" if run.get("finished_at") else "")
        for run in invocations
    ]
    lines += [
        "",
        "A claim is **robust** on a backend when its verdict is the same on every seed. "
        "*as expected* counts the seeds whose verdict is the one the lab expects. A claim about "
        "training has a seed rate in the lab's catalogue (the *expected* column): the rate "
        "**holds** when at least that many seeds are as expected. Every other claim is "
        "expected on every seed.",
        "",
    ]
    not_robust = [row for row in summary["claims"] if not row["robust"]]
    failing = [row for row in summary["claims"] if not row["rate_holds"]]
    lines += [
        f"**{len(summary['claims']) - len(not_robust)} of {len(summary['claims'])} "
        f"(claim, backend) pairs are robust; the expected rate holds for "
        f"{len(summary['claims']) - len(failing)} of {len(summary['claims'])}.**",
        "",
    ]
    if not_robust:
        lines += ["Not robust:", ""]
        lines += [
            f"- {row['id']} ({row['experiment'][:2]}) on {row['backend']}: confirmed on "
            f"{row['confirmed']} of {row['runs']} seeds; expected {rate_text(row)}, "
            + ("holds" if row["rate_holds"] else "**does not hold**")
            for row in not_robust
        ]
        lines.append("")
    for experiment in sorted({row["experiment"] for row in summary["claims"]}):
        claim_rows = [row for row in summary["claims"] if row["experiment"] == experiment]
        lines += [f"## {experiment}", "", "### Claims", ""]
        lines.append(
            markdown_table(
                [
                    "claim",
                    "backend",
                    "confirmed",
                    "as expected",
                    "expected",
                    "rate holds",
                    "robust",
                    "observed per seed",
                ],
                [
                    [
                        row["id"],
                        row["backend"],
                        f"{row['confirmed']} of {row['runs']}",
                        f"{row['as_expected']} of {row['runs']}",
                        rate_text(row),
                        "yes" if row["rate_holds"] else "**no**",
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
        times = [row for row in summary["cell_seconds"] if row["experiment"] == experiment]
        lines += [
            "",
            "Time per cell: "
            + "; ".join(
                f"{row['backend']} {row['mean']} s on average ({row['cells']} cells, "
                f"{row['total']} s in all)"
                for row in times
            ),
            "",
        ]
    return "\n".join(lines)


def recorded_invocations(sweep_dir, invocation=None):
    """The invocations that ran this sweep, with ``invocation`` (this one) appended and saved
    when it ran cells."""
    path = Path(sweep_dir) / INVOCATIONS_FILE
    invocations = json.loads(path.read_text()) if path.exists() else []
    if invocation and invocation["cells_run"]:
        invocations.append(invocation)
    write_file_atomically(path, (json.dumps(invocations, indent=2) + "\n").encode())
    return invocations


def write_report(sweep_dir, name, invocation=None):
    """Write ``report.md``, ``summary.json`` and the strip plots of a sweep, recording
    ``invocation`` (command, cells_run, failed, wall_seconds, machine) when it ran cells;
    returns the summary."""
    sweep_dir = Path(sweep_dir)
    started = time.perf_counter()
    invocations = recorded_invocations(sweep_dir, invocation)
    runs = cell_runs(sweep_dir)
    summary = summarise(runs)
    cells = describe_cells(runs)
    for file_name, png in strip_figures(summary).items():
        write_file_atomically(sweep_dir / file_name, png)
    data = {"name": name, **cells, "invocations": invocations, **summary}
    write_file_atomically(sweep_dir / "summary.json", (json.dumps(data, indent=2) + "\n").encode())
    report = render(name, summary, cells, invocations)
    write_file_atomically(sweep_dir / "report.md", report.encode())
    summary["seconds"] = time.perf_counter() - started
    return summary


def robust_and_failing(summary):
    """How many (claim, backend) pairs of a sweep give one verdict on every seed, and the
    pairs whose expected seed rate does not hold (``"<claim id> on <backend>"``)."""
    robust = sum(row["robust"] for row in summary["claims"])
    failing = [
        f"{row['id']} on {row['backend']}" for row in summary["claims"] if not row["rate_holds"]
    ]
    return robust, failing
