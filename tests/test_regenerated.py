"""``compare``: a regenerated run against the committed one."""

import json

from lstm_lab import cli


def write_run(results_dir, name, verdict="confirmed", control="refuted", loss=0.5, run_id="a"):
    """A run of one claim; ``control=None``: a claim without one (not run)."""
    folder = results_dir / name
    folder.mkdir(parents=True)
    data = {
        "run_id": run_id,
        "profile": "quick",
        "wall_seconds": 1.0 if run_id == "a" else 2.0,
        "claims": [
            {
                "id": "C004-01",
                "verdict": verdict,
                "expect": "confirmed",
                "control": control and {"outcome": control},
            },
        ],  # fmt: skip
        "metrics": {"loss": loss, "sizes": {"train": 5}},
        "metric_tolerances": {"loss": {"tolerance": 0.1, "basis": "stated"}},
    }
    (folder / "metrics.json").write_text(json.dumps(data))


def test_a_run_made_again_regenerates_the_committed_one(tmp_path, capsys):
    write_run(tmp_path / "old", "01_x")
    write_run(tmp_path / "new", "01_x", loss=0.55, run_id="b")  # within 0.1; id and time aside
    assert cli.main(["compare", str(tmp_path / "old"), str(tmp_path / "new")]) == 0
    assert "1 of 1 runs regenerate" in capsys.readouterr().out


def test_a_claim_not_run_has_no_control_to_compare(tmp_path, capsys):
    write_run(tmp_path / "old", "09_x", verdict="not run", control=None)
    write_run(tmp_path / "new", "09_x", verdict="not run", control=None, run_id="b")
    assert cli.main(["compare", str(tmp_path / "old"), str(tmp_path / "new")]) == 0
    assert "1 of 1 runs regenerate" in capsys.readouterr().out


def test_a_changed_verdict_control_or_metric_is_named(tmp_path, capsys):
    for name in ("01_x", "02_x", "03_x"):
        write_run(tmp_path / "old", name)
    write_run(tmp_path / "new", "01_x", verdict="refuted")
    write_run(tmp_path / "new", "02_x", control="confirmed")
    write_run(tmp_path / "new", "03_x", loss=0.7)
    write_run(tmp_path / "new", "04_x")
    assert cli.main(["compare", str(tmp_path / "old"), str(tmp_path / "new")]) == 1
    out = capsys.readouterr().out
    assert "01_x: C004-01 verdict: confirmed -> refuted" in out
    assert "02_x: C004-01 control: refuted -> confirmed" in out
    assert "03_x: metric loss: 0.5 -> 0.7" in out
    assert "04_x: no committed run there" in out
    assert "0 of 4 runs regenerate" in out


def test_a_folder_without_runs_is_bad_input(tmp_path, capsys):
    (tmp_path / "new").mkdir()
    assert cli.main(["compare", str(tmp_path), str(tmp_path / "new")]) == 2
    assert "no runs under" in capsys.readouterr().err
