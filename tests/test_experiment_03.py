"""The quick profile of experiment 03, end to end, into a temporary results directory.

Run with --seed 11 (not the default 7), so the test also shows that the seed given on the
command line reaches every training and every probe."""

import json

import pytest

from conftest import assert_controls_opposite, expected_verdicts, run_python

EXPECTED = expected_verdicts("03", profile="quick")  # from the catalogue, on the installed Keras


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    results_dir = tmp_path_factory.mktemp("results")
    result = run_python(
        "experiments/03_stateful_alphabet.py",
        "--profile",
        "quick",
        "--seed",
        "11",
        "--results-dir",
        results_dir,
    )
    return result, results_dir / "03_stateful_alphabet"


def test_the_quick_profile_exits_0(quick_run):
    result, _ = quick_run
    assert result.returncode == 0, result.stdout + result.stderr
    counts = {v: list(EXPECTED.values()).count(v) for v in ("confirmed", "refuted")}
    assert (
        f"03_stateful_alphabet: {counts['confirmed']} confirmed, {counts['refuted']} refuted"
        in (result.stdout)
    )


def test_it_records_every_claim_with_the_expected_verdict(quick_run):
    _, folder = quick_run
    data = json.loads((folder / "metrics.json").read_text())
    assert data["profile"] == "quick" and data["seed"] == 11
    verdicts = {claim["id"]: claim["verdict"] for claim in data["claims"]}
    assert verdicts == EXPECTED
    assert all(claim["expect"] == claim["verdict"] for claim in data["claims"])
    assert_controls_opposite(data)


def test_the_observations_behind_the_verdicts(quick_run):
    _, folder = quick_run
    data = json.loads((folder / "metrics.json").read_text())
    observed = {claim["id"]: claim["observed"] for claim in data["claims"]}
    assert observed["C004-01"] == 1.0
    assert observed["C004-02"] == "BCDEF"
    assert observed["C004-03"] == 650
    assert data["metrics"]["tutorial_free_running_right"] < 100  # it only knows the way from A
    controls = {claim["id"]: claim["control"]["observed"] for claim in data["claims"]}
    assert controls["C004-03"] == data["metrics"]["tutorial_free_running_right"]
    assert controls["L-03-01"] == {"batch of 4": None}
    assert set(observed["L-03-01"]) == {"batch of 1", "batch of 2"}
    assert set(controls["C004-11"].values()) == {"runs"}


def test_it_writes_two_heat_maps_and_the_migration_table(quick_run):
    _, folder = quick_run
    for name in ["accuracy_by_start_tutorial.png", "accuracy_by_start_rotations.png"]:
        assert (folder / name).read_bytes()[:4] == b"\x89PNG"
    markdown = (folder / "report.md").read_text()
    assert "## The tutorial's Keras 2 calls on Keras" in markdown
    assert "| `model.reset_states()` | AttributeError:" in markdown
    assert "--profile quick" in markdown


def test_the_command_line_seed_reaches_every_training_and_probe(quick_run):
    _, folder = quick_run
    data = json.loads((folder / "metrics.json").read_text())
    assert set(data["seeds"]) == {
        "tutorial model",
        "rotation model",
        "dense model",
        "C004-05 probe",
        "C004-06 probe",
        "C004-07 probe",
        "L-03-01 probe",
    }
    assert set(data["seeds"].values()) == {11}
    assert "- Seeds: tutorial model 11, rotation model 11" in (folder / "report.md").read_text()
