"""Bad input gets one line on stderr and exit code 2, and nothing under results/."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, run_python

EXPERIMENT = "experiments/03_stateful_alphabet.py"


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_an_unknown_profile_is_rejected_before_anything_is_written(results_dir):
    result = run_python(EXPERIMENT, "--profile", "huge", "--results-dir", results_dir)
    assert_one_line_error(result, "--profile", "invalid choice: 'huge'")
    assert not results_dir.exists()


def test_a_negative_seed_is_rejected(results_dir):
    result = run_python(EXPERIMENT, "--seed", "-3", "--results-dir", results_dir)
    assert_one_line_error(result, "--seed", "must be 0 or more")
    assert not results_dir.exists()


def test_an_unwritable_results_directory_is_rejected(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    result = run_python(EXPERIMENT, "--results-dir", blocker / "results")
    assert_one_line_error(result, "error: results directory", "is not writable")


def test_list_names_the_experiments():
    result = run_python("-m", "lstm_lab", "list")
    assert result.returncode == 0
    assert "03_stateful_alphabet" in result.stdout


def test_run_rejects_an_unknown_experiment():
    assert_one_line_error(run_python("-m", "lstm_lab", "run", "42"), "no experiment '42'")


def test_an_unknown_command_is_rejected():
    assert_one_line_error(run_python("-m", "lstm_lab", "fly"), "invalid choice: 'fly'")


def test_report_regenerates_the_index(results_dir):
    (results_dir / "07_demo").mkdir(parents=True)
    claim = {"id": "C001-02", "verdict": "confirmed", "expect": "confirmed"}
    metrics = {"title": "Demo", "profile": "full", "wall_seconds": 1.5, "claims": [claim]}
    (results_dir / "07_demo" / "metrics.json").write_text(json.dumps(metrics))
    result = run_python("-m", "lstm_lab", "report", "--results-dir", results_dir)
    assert result.returncode == 0, result.stderr
    assert (
        "| [07_demo](07_demo/report.md) | Demo | full | 1 | 1 | 0 | 0 | 0 | 0 | 0 | yes | 1.5 |"
        in (results_dir / "README.md").read_text()
    )


def test_report_rejects_a_missing_results_directory(tmp_path):
    result = run_python("-m", "lstm_lab", "report", "--results-dir", tmp_path / "nothing")
    assert_one_line_error(result, "no results directory")


HEAVY_MODULES = ("tensorflow", "keras", "jax", "torch", "sklearn", "pandas", "matplotlib")


@pytest.mark.parametrize(
    "script", sorted((ROOT / "experiments").glob("0*.py")), ids=lambda p: p.stem
)
def test_an_experiments_help_loads_no_heavy_library(script):
    # --help must be instant: Keras (and TensorFlow), scikit-learn, pandas and matplotlib are
    # loaded on first use, never to print the options.
    code = (
        "import atexit, runpy, sys\n"
        f"heavy = {HEAVY_MODULES!r}\n"
        "atexit.register(lambda: print('loaded:', [m for m in heavy if m in sys.modules]))\n"
        f"sys.argv = [{str(script)!r}, '--help']\n"
        f"runpy.run_path({str(script)!r}, run_name='__main__')\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert "--profile" in result.stdout and "--data-dir" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "loaded: []"


def test_list_says_confirmed_and_as_expected_apart(results_dir):
    (results_dir / "03_stateful_alphabet").mkdir(parents=True)
    claims = [
        {"id": "C004-01", "verdict": "confirmed", "expect": "confirmed"},
        {"id": "C004-11", "verdict": "refuted", "expect": "refuted"},
    ]
    metrics = {"title": "Demo", "profile": "full", "wall_seconds": 1.5, "claims": claims}
    (results_dir / "03_stateful_alphabet" / "metrics.json").write_text(json.dumps(metrics))
    result = run_python("-m", "lstm_lab", "list", "--results-dir", results_dir)
    assert result.returncode == 0, result.stderr
    assert "[full run: 1 confirmed, 1 refuted; every verdict as the lab expects]" in result.stdout


def test_list_refuses_a_results_folder_that_is_not_there(tmp_path):
    result = run_python("-m", "lstm_lab", "list", "--results-dir", tmp_path / "resluts")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"error: --results-dir {tmp_path / 'resluts'} is not a folder\n"


def test_a_listing_cut_short_by_its_reader_ends_quietly():
    # `lstm-lab list | head -1`: the reader closes the pipe before the listing is written
    listing = subprocess.Popen(
        [sys.executable, "-m", "lstm_lab", "list"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    listing.stdout.close()
    stderr = listing.stderr.read()
    assert listing.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
