"""The quick profile of experiment 04 on the real reviews (shared/data), end to end."""

import json

from conftest import assert_controls_opposite, expected_verdicts, run_offline

EXPECTED = expected_verdicts("04", profile="quick")  # from the catalogue, on the installed Keras


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
