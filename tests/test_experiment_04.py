"""The quick profile of experiment 04 on the real reviews (shared/data), end to end."""

import json

from conftest import run_quick, shared_file

EXPECTED = {
    "C002-03": "confirmed",
    "C002-04": "refuted",
    "C002-05": "confirmed",
    "C002-01": "confirmed",
    "C002-02": "confirmed",
}


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    archive, index = (
        shared_file("aclImdb_v1_rebuilt_nofeat.tar.gz"),
        shared_file("imdb_word_index.json"),
    )
    result, folder = run_quick(
        "04_imdb_sentiment", tmp_path, "--imdb", archive, "--word-index", index
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert {c["id"]: c["verdict"] for c in data["claims"]} == EXPECTED
    for side in ("pre", "post"):
        assert 0.5 < data["metrics"][f"test_accuracy_lstm_truncating_{side}"] <= 1.0
        assert 0.5 < data["metrics"][f"test_accuracy_tfidf_truncating_{side}"] <= 1.0
    assert (folder / "training_loss.png").exists() and (folder / "training_accuracy.png").exists()
    assert "TF-IDF + logistic regression" in (folder / "report.md").read_text()
    assert not list(
        tmp_path.glob(".04_imdb_sentiment.backup-*/*")
    )  # backups removed after training
