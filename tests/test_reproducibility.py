"""Honest numbers across machines: each metric's tolerance, and experiment 03 regenerated
against its committed report."""

import json

from lstm_lab.report.tolerances import ONE_MACHINE, agrees, differences_from, metric_tolerances

from conftest import ROOT, run_python

COMMITTED = ROOT / "results" / "03_stateful_alphabet" / "metrics.json"


def test_a_metric_in_a_sweep_gets_its_seed_spread_and_a_stated_one_its_own(tmp_path):
    summary = {
        "profile": "full",
        "metrics": [
            {
                "experiment": "99_x",
                "backend": "tensorflow",
                "metric": "loss",
                "min": 0.1,
                "max": 0.4,
                "seeds": [7, 8, 9],
            },
            {
                "experiment": "99_x",
                "backend": "tensorflow",
                "metric": "sizes/train",
                "min": 5,
                "max": 5,
                "seeds": [7, 8, 9],
            },
        ],
    }
    (tmp_path / "sweeps" / "s").mkdir(parents=True)
    (tmp_path / "sweeps" / "s" / "summary.json").write_text(json.dumps(summary))
    metrics = {"loss": 0.2, "sizes": {"train": 5}, "norm": 1.0, "other": 3.0, "name": "x"}
    tolerances = metric_tolerances(
        metrics, {"norm": (2e-3, "fixed to 2e-3")}, tmp_path, "99_x", "tensorflow", "full"
    )
    assert abs(tolerances["loss"]["tolerance"] - 0.3) < 1e-12
    assert tolerances["sizes/train"] == {
        "tolerance": 0,
        "basis": "the same on all 3 seeds of sweep s: exact",
    }
    assert tolerances["norm"] == {"tolerance": 2e-3, "basis": "fixed to 2e-3"}
    assert tolerances["other"] == {"tolerance": None, "basis": ONE_MACHINE}
    assert "name" not in tolerances  # only numbers have tolerances
    # another profile or backend has no spread
    other = metric_tolerances(metrics, {}, tmp_path, "99_x", "jax", "full")
    assert other["loss"]["tolerance"] is None


def test_agreement_within_a_tolerance():
    assert agrees(0.0216, 0.0183, 0.0055) and not agrees(0.0216, 0.0150, 0.0055)
    assert agrees(650, 650, 0) and not agrees(650, 649, 0)


def test_experiment_03_regenerated_gives_the_committed_verdicts_and_metrics(tmp_path):
    # The full profile (about 15 s): every verdict as committed, every metric within the
    # tolerance the committed report states for it (exactly, where it states none).
    result = run_python(
        "experiments/03_stateful_alphabet.py", "--profile", "full", "--results-dir", tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    committed = json.loads(COMMITTED.read_text())
    assert committed["profile"] == "full" and committed["seed"] == 7
    assert committed["metric_tolerances"]  # the committed report states them
    observed = json.loads((tmp_path / "03_stateful_alphabet" / "metrics.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in committed["claims"]}
    assert {c["id"]: c["verdict"] for c in observed["claims"]} == verdicts
    assert differences_from(COMMITTED, observed) == []
