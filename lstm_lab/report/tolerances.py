"""Which digits of a report's metrics mean something: each metric's tolerance across machines.

On one machine, with the same versions, a run repeats bit for bit: the lab seeds Python, NumPy
and the backend, and TensorFlow's CPU kernels are deterministic there. Another machine of the
same kind rounds differently in its threaded kernels (oneDNN splits sums by core count), and a
trained network amplifies the difference: experiment 03's rotation loss was 0.0183 on one
machine and 0.0216 on another, both runs repeatable. How far a trained metric can move is
bounded by how far it moves when the seed changes, which the committed sweeps measured. So:

- a metric of an experiment in a sweep (same backend and profile) has the tolerance ``max - min``
  over the sweep's seeds; a metric every seed gave exactly (a data size, an epoch count, a
  baseline with nothing random) has tolerance 0 and must repeat exactly;
- an experiment may state a metric's tolerance itself (``report.metric(..., tolerance=...)``)
  where no sweep covers it, with the reason;
- any other metric is marked as checked on one machine only.

The verdicts do not depend on these digits: a claim's own tolerance is in its row.
"""

import json
from pathlib import Path

from lstm_lab.arrays import numbers_in
from lstm_lab.results.layout import sweep_summaries

ONE_MACHINE = "not measured across machines"


def sweep_spreads(results_dir, experiment, backend, profile):
    """``(sweep name, seeds, {metric: max - min})`` from the committed sweep with the most seeds
    of ``experiment`` on ``backend`` and ``profile``, or None."""
    best = None
    for folder, summary in sweep_summaries(results_dir, profile):
        rows = [
            row
            for row in summary.get("metrics", [])
            if row["experiment"] == experiment and row["backend"] == backend
        ]
        if rows:
            seeds = max(len(row["seeds"]) for row in rows)
            if best is None or seeds > best[1]:
                spreads = {row["metric"]: row["max"] - row["min"] for row in rows}
                best = (folder.name, seeds, spreads)
    return best


def metric_tolerances(metrics, stated, results_dir, experiment, backend, profile):
    """``{metric: {"tolerance": x or None, "basis": why}}`` for every number in ``metrics``
    (nested ones named ``a/b``); ``stated`` maps a metric to ``(tolerance, reason)``."""
    swept = sweep_spreads(results_dir, experiment, backend, profile)
    tolerances = {}
    for name in numbers_in(metrics):
        if name in stated:
            tolerance, reason = stated[name]
            tolerances[name] = {"tolerance": tolerance, "basis": reason}
        elif swept and name in swept[2]:
            sweep, seeds, spreads = swept
            spread = spreads[name]
            basis = (
                f"spread over {seeds} seeds, sweep {sweep}"
                if spread
                else (f"the same on all {seeds} seeds of sweep {sweep}: exact")
            )
            tolerances[name] = {"tolerance": spread, "basis": basis}
        else:
            tolerances[name] = {"tolerance": None, "basis": ONE_MACHINE}
    return tolerances


def agrees(committed, observed, tolerance):
    """Whether ``observed`` is within ``tolerance`` of ``committed`` (a relative 1e-9 covers
    the digits JSON keeps)."""
    return abs(observed - committed) <= tolerance + 1e-9 * max(1.0, abs(committed))


def differences_from(committed_file, observed):
    """The metrics of ``observed`` (a run's metrics) outside the tolerances that the
    committed metrics state, as ``[(metric, committed, observed, tolerance)]``; metrics
    without a tolerance are compared exactly."""
    committed = json.loads(Path(committed_file).read_text())
    old, new = (numbers_in(run.get("metrics", {})) for run in (committed, observed))
    outside = []
    for name, value in old.items():
        entry = committed.get("metric_tolerances", {}).get(name, {})
        tolerance = entry.get("tolerance") or 0.0
        if name not in new or not agrees(value, new[name], tolerance):
            outside.append((name, value, new.get(name), tolerance))
    return outside
