"""`python -m lstm_lab sweep`: cells on a local Ray and on a Ray head started here, resuming,
a failed cell recorded without stopping the others, and the verdict counts."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lstm_lab.commands.sweep import seed_list
from lstm_lab.errors import BadInput
from lstm_lab.runners import sweep_report

from conftest import ROOT, run_python


def sweep(results_dir, *options):
    command = ["-m", "lstm_lab", "sweep", "--results-dir", results_dir, *options]
    return run_python(*command, timeout=600)


def test_a_tiny_sweep_on_a_local_ray_records_every_cell_and_resumes(tmp_path):
    # Experiment 07 reads its CSV from the data folder, which reaches the cell through Ray's
    # object store: a malformed one makes that cell fail (exit 2) while 01's cell finishes.
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "SBUX.csv").write_text("Date,Open\n2019-01-02,1\n")
    options = ["--experiments", "01", "07", "--seeds", "1", "--profile", "quick"]
    options += ["--cpus", "2", "--name", "tiny", "--data-dir", data_dir]
    result = sweep(tmp_path, *options)
    assert result.returncode == 3, result.stderr  # a failed cell is never a verdict
    assert "1 cells run, 0 already finished, 1 failed" in result.stdout
    sweep_dir = tmp_path / "sweeps" / "tiny"
    cells = sweep_dir / "cells" / "tensorflow" / "seed-7"
    assert (
        json.loads((cells / "01_return_sequences_and_state" / "metrics.json").read_text())["seed"]
        == 7
    )
    failed = json.loads((cells / "07_stock_volume" / "failed.json").read_text())
    assert failed["exit_code"] == 2 and "SBUX.csv" in failed["stderr"]
    assert "Traceback" not in failed["stderr"]

    summary = json.loads((sweep_dir / "summary.json").read_text())
    assert summary["backends"]["tensorflow"]["seeds"] == [7]
    assert summary["invocations"][-1]["failed"] == 1
    rows = [r for r in summary["claims"] if r["id"] == "C002-06"]
    assert rows[0]["runs"] == 1 and rows[0]["confirmed"] == 1 and rows[0]["robust"]
    report = (sweep_dir / "report.md").read_text()
    assert "## 01_return_sequences_and_state" in report
    assert "| C002-06 | tensorflow | 1 of 1 |" in report
    assert "(sweeps/tiny/report.md)" in (tmp_path / "README.md").read_text()  # the index links it

    # The same command again: the finished cell is not re-run, the failed one is retried.
    (data_dir / "SBUX.csv").unlink()  # 07 then runs on its synthetic prices
    again = sweep(tmp_path, *options)
    assert again.returncode == 0, again.stderr
    assert "1 cells run, 1 already finished, 0 failed" in again.stdout
    assert (cells / "07_stock_volume" / "metrics.json").exists()
    assert not (cells / "07_stock_volume" / "failed.json").exists()


def test_address_joins_a_ray_head_started_here(tmp_path):
    ray = str(Path(sys.executable).parent / "ray")  # installed with Ray, beside this Python
    start = [ray, "start", "--head", "--num-cpus", "2", "--port", "6391", "--disable-usage-stats"]
    started = subprocess.run(start, capture_output=True, text=True, timeout=120)
    try:
        assert started.returncode == 0, started.stderr[-2000:]
        # The head listens on this machine's own address, which `ray start` prints.
        address = re.search(r"ray start --address='([^']+)'", started.stdout + started.stderr)[1]
        options = ["--experiments", "01", "--seeds", "7", "8", "--profile", "quick"]
        options += ["--address", address, "--name", "remote", "--results-dir", tmp_path]
        # The head checks Ray's authentication token (on by default); a driver that joins by
        # address sends it when RAY_AUTH_MODE=token (the token is in ~/.ray/auth_token here).
        result = subprocess.run(
            [sys.executable, "-m", "lstm_lab", "sweep", *map(str, options)],
            cwd=ROOT,
            env={**os.environ, "RAY_AUTH_MODE": "token"},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "2 cells run" in result.stdout
        report = (tmp_path / "sweeps" / "remote" / "report.md").read_text()
        assert f"Ray cluster at {address}" in report and "seeds 7, 8" in report
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, timeout=120)


def test_an_unreachable_cluster_is_one_line_and_exit_2(tmp_path):
    options = ["--experiments", "01", "--seeds", "1", "--profile", "quick"]
    result = sweep(tmp_path, *options, "--address", "127.0.0.1:1")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "127.0.0.1:1" in result.stderr.splitlines()[-1]


def write_cell(sweep_dir, backend, seed, verdict, loss, claim_id="C001-04"):
    folder = sweep_dir / "cells" / backend / f"seed-{seed}" / "03_demo"
    folder.mkdir(parents=True)
    claims = [{"id": claim_id, "verdict": verdict, "expect": "confirmed", "observed": seed}]
    data = {"experiment": "03_demo", "backend": backend, "seed": seed, "profile": "quick"}
    data.update({"wall_seconds": 1.0, "claims": claims, "metrics": {"loss": {"final": loss}}})
    (folder / "metrics.json").write_text(json.dumps(data))


def test_verdicts_become_counts_and_metrics_spreads(tmp_path):
    for seed, verdict, loss in [(7, "confirmed", 1.0), (8, "refuted", 2.0), (9, "confirmed", 6.0)]:
        write_cell(tmp_path, "tensorflow", seed, verdict, loss)
    write_cell(tmp_path, "jax", 7, "confirmed", 0.5)
    summary = sweep_report.summarise(sweep_report.cell_runs(tmp_path))
    rows = {row["backend"]: row for row in summary["claims"]}
    assert (rows["tensorflow"]["confirmed"], rows["tensorflow"]["runs"]) == (2, 3)
    assert rows["tensorflow"]["verdicts"] == ["confirmed", "refuted", "confirmed"]
    assert not rows["tensorflow"]["robust"] and rows["jax"]["robust"]
    loss = next(r for r in summary["metrics"] if r["backend"] == "tensorflow")
    assert loss["metric"] == "loss/final" and loss["mean"] == 3.0
    assert loss["sd"] == pytest.approx(2.6457513, abs=1e-6)  # sample sd of 1, 2, 6
    assert (loss["min"], loss["max"]) == (1.0, 6.0)
    # C001-04's quick rate is 4 of 5 seeds: by the binomial test (alpha 0.05) 3 seeds need 1
    # as expected (P(0 of 3) = 0.008, P(<= 1 of 3) = 0.104), and one seed cannot refute it.
    assert rows["tensorflow"]["required"] == 1 and rows["tensorflow"]["rate_holds"]
    assert rows["jax"]["required"] == 0 and rows["jax"]["rate_holds"]


def test_a_claim_without_a_seed_rate_must_hold_on_every_seed(tmp_path):
    for seed, verdict in [(7, "confirmed"), (8, "confirmed"), (9, "refuted")]:
        write_cell(tmp_path, "tensorflow", seed, verdict, 1.0, claim_id="C004-06")
    [row] = sweep_report.summarise(sweep_report.cell_runs(tmp_path))["claims"]
    assert row["seed_rate"] is None and row["required"] == 3 and not row["rate_holds"]
    invocation = {"command": "python -m lstm_lab sweep", "cells_run": 3, "failed": 0}
    invocation.update({"wall_seconds": 9.5, "machine": "x86_64, 2 cores, local Ray"})
    sweep_report.write_report(tmp_path, "demo", invocation)
    report = (tmp_path / "report.md").read_text()
    assert (
        "- C004-06 (03) on tensorflow: confirmed on 2 of 3 seeds; expected every seed, "
        "**does not hold**" in report
    )
    assert "3 cells run (0 failed) in 9.5 s wall time on x86_64, 2 cores, local Ray" in report
    # A second invocation that ran nothing adds no line; one that ran cells does.
    sweep_report.write_report(tmp_path, "demo", {**invocation, "cells_run": 0})
    sweep_report.write_report(tmp_path, "demo", {**invocation, "wall_seconds": 3.0})
    invocations = json.loads((tmp_path / "summary.json").read_text())["invocations"]
    assert [run["wall_seconds"] for run in invocations] == [9.5, 3.0]


def test_seed_arguments():
    assert seed_list([3]) == [7, 8, 9]
    assert seed_list([1, 5]) == [1, 5]
    for bad in ([0], [4, 4], [-1, 2]):
        with pytest.raises(BadInput):
            seed_list(bad)


def test_bad_sweep_arguments_exit_2_in_one_line(tmp_path):
    for options in (["--experiments", "42"], ["--seeds", "0"], ["--name", "a/b"]):
        result = sweep(tmp_path, *options)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert not (tmp_path / "sweeps").exists()


def test_a_cell_of_another_keras_runs_in_that_environment(tmp_path, monkeypatch):
    """``sweep --keras 3.12``: each cell is ``run NN --keras 3.12`` on its machine, which
    builds or reuses that environment; the sweep is named after the release."""
    from lstm_lab.runners import sweep as cells

    seen = []

    def fake_run(command, **options):
        seen.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(cells.subprocess, "run", fake_run)
    [cell] = cells.grid(["01_return_sequences_and_state"], ["jax"], [7], "quick", "3.12")
    assert cell.label == "01 jax Keras 3.12 seed 7"
    cells.run_cell(cell, {})
    assert seen[0][-2:] == ["--keras", "3.12"] and "--backend" in seen[0]
    monkeypatch.undo()
    result = sweep(tmp_path, "--keras", "2", "--experiments", "01")
    assert result.returncode == 2 and "Keras 2 runs the probes" in result.stderr


def test_a_cell_run_with_other_profile_settings_is_run_again(tmp_path):
    """A finished cell counts only if its recorded settings are the ones its experiment now
    declares for the profile; settings that are not a literal are not compared."""
    from lstm_lab.runners import sweep as cells
    from lstm_lab.runners.discover import declared_settings

    scripts = ROOT / "experiments"
    declared = declared_settings(scripts / "03_stateful_alphabet.py", "quick")
    assert set(declared) == {"tutorial_epochs", "rotation_epochs", "dense_epochs"}
    assert declared_settings(scripts / "02_layer_anatomy.py", "quick") is None  # names KINDS
    write_cell(tmp_path, "tensorflow", 7, "confirmed", 1.0)
    path = tmp_path / "cells" / "tensorflow" / "seed-7" / "03_demo" / "metrics.json"
    data = json.loads(path.read_text())
    [now] = cells.grid(["03_demo"], ["tensorflow"], [7], "quick", settings={"03_demo": declared})
    [unknown] = cells.grid(["03_demo"], ["tensorflow"], [7], "quick")
    assert not now.is_finished(tmp_path) and unknown.is_finished(tmp_path)  # none recorded
    path.write_text(json.dumps({**data, "settings": {**declared, "rotation_epochs": 1}}))
    assert not now.is_finished(tmp_path)
    path.write_text(json.dumps({**data, "settings": declared}))
    assert now.is_finished(tmp_path)


def test_a_claim_the_catalogue_no_longer_has_is_a_one_line_error(tmp_path):
    write_cell(tmp_path, "tensorflow", 7, "confirmed", 1.0, claim_id="C003-04")
    with pytest.raises(BadInput, match="record C003-04, which the catalogue no longer has"):
        sweep_report.summarise(sweep_report.cell_runs(tmp_path))
