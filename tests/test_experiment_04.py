"""The quick profile of experiment 04 on the real reviews (shared/data), end to end; and the
same run interrupted and killed, resuming to the same numbers."""

import json
import signal
import subprocess
import sys
import time

import pytest

from conftest import (
    ROOT,
    assert_controls_opposite,
    expected_verdicts,
    imdb_options,
    run_offline,
    run_quick,
)

EXPECTED = expected_verdicts("04", profile="quick")  # from the catalogue, on the installed Keras
IMDB = "04_imdb_sentiment"


def test_quick_profile_records_every_claim_as_expected(imdb_quick_run):
    result, folder = imdb_quick_run
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert {c["id"]: c["verdict"] for c in data["claims"]} == EXPECTED
    assert_controls_opposite(data)
    for side in ("pre", "post"):
        assert 0.5 < data["metrics"][f"test_accuracy_lstm_truncating_{side}"] <= 1.0
        assert 0.5 < data["metrics"][f"test_accuracy_tfidf_truncating_{side}"] <= 1.0
    assert (folder / "training_loss.png").exists() and (folder / "training_accuracy.png").exists()
    assert "TF-IDF + logistic regression" in (folder / "report.md").read_text()
    backups = folder.parent.glob(".04_imdb_sentiment.backup-*/*")
    assert not list(backups)  # removed after training


def test_without_the_reviews_the_data_free_claims_are_checked_and_training_is_not_run(tmp_path):
    result, folder = run_offline("04_imdb_sentiment", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert {c["id"]: c["verdict"] for c in data["claims"]} == EXPECTED
    assert_controls_opposite(data)
    assert data["metrics"] == {}
    markdown = (folder / "report.md").read_text()
    section = markdown.split("## Not run for want of data")[1]
    assert "Cannot download aclImdb_v1.tar.gz ([Errno -3] offline)" in section
    assert "--data-dir" in section and "Traceback" not in result.stderr


def start_quick_imdb(results_dir, *options):
    command = [sys.executable, f"experiments/{IMDB}.py", "--profile", "quick"]
    command += ["--results-dir", str(results_dir), *imdb_options(), *options]
    # SIGINT back to its default, so Python turns it into KeyboardInterrupt even where the test
    # runner was started in the background (which makes a shell ignore SIGINT in children).
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for(path, process, timeout=240):
    """Wait until ``path`` exists (an epoch has been recorded), while ``process`` runs."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, f"{path} did not appear within {timeout} s"
        time.sleep(0.2)


def comparable(results_dir):
    """metrics.json without what must differ between two runs (wall time, command, run id)."""
    data = json.loads((results_dir / IMDB / "metrics.json").read_text())
    return {k: v for k, v in data.items() if k not in ("wall_seconds", "command", "run_id")}


@pytest.fixture
def uninterrupted(imdb_quick_run):
    result, folder = imdb_quick_run
    assert result.returncode == 0, result.stderr
    return comparable(folder.parent)


def test_interrupted_and_killed_runs_resume_to_the_same_metrics(uninterrupted, tmp_path):
    # One results directory through three runs: a SIGINT during the first side writes nothing;
    # a SIGKILL during the second side; then the last run resumes, reuses the finished side
    # and ends with the uninterrupted run's metrics. (Another run's backup is not resumed:
    # tests/test_imdb_model.py.)
    results_dir = tmp_path / "results"
    pre, post = (results_dir / f".{IMDB}.backup-{side}" for side in ("pre", "post"))
    interrupted = start_quick_imdb(results_dir)
    wait_for(pre / "current.json", interrupted)
    interrupted.send_signal(signal.SIGINT)
    stdout, stderr = interrupted.communicate(timeout=120)
    assert "resuming" not in stdout.decode()
    assert interrupted.returncode == 130 and b"interrupted: no results were written" in stderr
    assert not (results_dir / IMDB).exists()  # nothing half-written

    killed = start_quick_imdb(results_dir)
    wait_for(post / "current.json", killed)
    killed.kill()
    stdout, _ = killed.communicate(timeout=120)
    assert "resuming after epoch 1" in stdout.decode()  # the first side, after the SIGINT
    assert killed.returncode == -signal.SIGKILL and not (results_dir / IMDB).exists()

    result, _ = run_quick(IMDB, results_dir, *imdb_options())
    assert result.returncode == 0, result.stderr
    assert "reusing the training finished earlier" in result.stdout  # the first side
    assert "resuming after epoch 1" in result.stdout  # the second
    assert comparable(results_dir) == uninterrupted
    assert not list(results_dir.glob(f".{IMDB}.backup-*"))  # removed with the report written
