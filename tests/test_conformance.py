"""The conformance matrix from hand-made metrics files (no experiment runs here)."""

import json

import pytest

from lstm_lab.cli import main
from lstm_lab.errors import BadInput
from lstm_lab.results.layout import backend_results_dir
from lstm_lab.runners import conformance
from lstm_lab.runners.matrix import matrix_exit_code


def write_run(results, backend, name, verdicts, profile="quick", run_id=None):
    folder = backend_results_dir(results, backend) / name
    folder.mkdir(parents=True)
    claims = [
        {"id": claim_id, "verdict": verdict, "expect": expect, "observed": observed,
         "evidence": f"{claim_id} on {backend}"}
        for claim_id, (verdict, expect, observed) in verdicts.items()
    ]  # fmt: skip
    data = {"profile": profile, "wall_seconds": 1.0, "device": "cpu", "claims": claims}
    if run_id:
        data["run_id"] = run_id
    (folder / "metrics.json").write_text(json.dumps(data))


def test_rows_that_differ_come_first_with_their_evidence(tmp_path):
    write_run(tmp_path, "tensorflow", "09_x", {
        "K3-01": ("confirmed", "confirmed", 0.0),
        "K3-05": ("confirmed", "confirmed", {"LSTM": True, "GRU": True}),
    })  # fmt: skip
    write_run(tmp_path, "jax", "09_x", {
        "K3-01": ("confirmed", "confirmed", 0.0),
        "K3-05": ("refuted", "refuted", {"LSTM": False, "GRU": True}),
    })  # fmt: skip
    matrix = conformance.collect(["09_x"], ["tensorflow", "jax"], tmp_path, {}, "quick")
    assert matrix["columns"] == {"tensorflow": "cpu", "jax": "cpu"}
    assert matrix["claims"]["K3-01"]["agrees"] and not matrix["claims"]["K3-05"]["agrees"]
    assert conformance.summary_line(matrix) == (
        "2 claims on 2 backends: 1 agree on every backend, 1 differ"
    )
    text = conformance.render(matrix)
    rows = [line for line in text.splitlines() if line.startswith("| K3-")]
    assert rows[0].startswith(
        "| K3-05 | 09 | **no** | confirmed: all 2 hold | refuted: not: LSTM |"
    )
    assert rows[1].startswith("| K3-01 | 09 | yes | confirmed: 0 | confirmed: 0 |")
    assert "- **K3-05** on jax: K3-05 on jax" in text


def test_a_failed_run_is_an_error_cell_and_its_old_metrics_are_not_read(tmp_path):
    write_run(
        tmp_path, "tensorflow", "09_x", {"K3-01": ("confirmed", "confirmed", 0.0)}, run_id="a"
    )
    write_run(tmp_path, "torch", "09_x", {"K3-01": ("refuted", "confirmed", 1.0)}, run_id="old")
    codes = {("tensorflow", "09_x"): (0, "a"), ("torch", "09_x"): (2, "b")}
    matrix = conformance.collect(["09_x"], ["tensorflow", "torch"], tmp_path, codes, "quick")
    why = "bad input (exit 2)"
    assert matrix["failed"] == [{"backend": "torch", "experiment": "09_x", "why": why}]
    torch = matrix["claims"]["K3-01"]["verdicts"]["torch"]
    assert torch["verdict"] == "error" and torch["evidence"] == why
    assert f"- 09_x on torch: {why}" in conformance.render(matrix)
    assert matrix_exit_code(matrix) == 3


def test_a_crash_before_the_report_is_never_the_old_runs_verdict(tmp_path):
    # exit 1 is "a verdict differs" only with this run's own metrics.json
    write_run(
        tmp_path, "tensorflow", "09_x", {"K3-01": ("confirmed", "confirmed", 0.0)}, run_id="old"
    )
    codes = {("tensorflow", "09_x"): (1, "new")}
    matrix = conformance.collect(["09_x"], ["tensorflow"], tmp_path, codes, "quick")
    entry = matrix["claims"]["K3-01"]["verdicts"]["tensorflow"]
    assert entry["verdict"] == "error" and "a crash before its report" in entry["evidence"]
    assert matrix_exit_code(matrix) == 3


def test_a_crash_cell_names_the_exception_its_run_left(tmp_path):
    (tmp_path / "09_x.crash.txt").write_text(
        "run_id: new\nTraceback (most recent call last):\n  ...\nValueError: bogus backend\n"
    )
    codes = {("tensorflow", "09_x"): (3, "new")}
    matrix = conformance.collect(["09_x"], ["tensorflow"], tmp_path, codes, "quick")
    [failed] = matrix["failed"]
    assert failed["why"].startswith("a crash (exit 3): ValueError: bogus backend (traceback: ")


def test_a_run_of_another_profile_is_bad_input(tmp_path):
    write_run(tmp_path, "tensorflow", "09_x", {"K3-01": ("confirmed", "confirmed", 0.0)}, "full")
    with pytest.raises(BadInput, match="is a full run, not quick"):
        conformance.collect(["09_x"], ["tensorflow"], tmp_path, {}, "quick")


def test_an_unknown_experiment_or_backend_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["conformance", "--experiments", "42", "--results-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: no experiment '42' (known: 01, ")
    with pytest.raises(SystemExit) as stopped:
        main(["conformance", "--backends", "theano"])
    assert stopped.value.code == 2


def test_matrix_only_rebuilds_from_the_runs_already_there(tmp_path, capsys):
    for backend in ("tensorflow", "jax", "torch"):
        write_run(tmp_path, backend, "09_backends_and_kernels", {
            "K3-08": ("confirmed", "confirmed", 0.0),
        })  # fmt: skip
    options = ["--results-dir", str(tmp_path), "--profile", "quick", "--experiments", "09"]
    assert main(["conformance", "--matrix-only", *options]) == 0
    assert "1 claims on 3 backends: 1 agree on every backend, 0 differ" in capsys.readouterr().out
    assert (tmp_path / "conformance.json").exists() and (tmp_path / "README.md").exists()


def test_the_robustness_column_counts_each_backends_sweep(tmp_path):
    write_run(tmp_path, "tensorflow", "07_x", {"C001-04": ("confirmed", "confirmed", 1.0)})
    write_run(tmp_path, "jax", "07_x", {"C001-04": ("confirmed", "confirmed", 1.0)})
    sweep_dir = tmp_path / "sweeps" / "s"
    sweep_dir.mkdir(parents=True)
    rows = [
        {"id": "C001-04", "backend": "tensorflow", "runs": 5, "as_expected": 4, "required": 4,
         "rate_holds": True, "robust": False},
        {"id": "C001-04", "backend": "jax", "runs": 3, "as_expected": 1, "required": 3,
         "rate_holds": False, "robust": False},
    ]  # fmt: skip
    (sweep_dir / "summary.json").write_text(json.dumps({"profile": "quick", "claims": rows}))
    matrix = conformance.collect(["07_x"], ["tensorflow", "jax"], tmp_path, {}, "quick")
    assert matrix["claims"]["C001-04"]["across_seeds"]["tensorflow"]["sweep"] == "s"
    [row] = [line for line in conformance.render(matrix).splitlines() if "| C001-04" in line]
    assert row.endswith("| tensorflow 4/5, **jax 1/3** |")
