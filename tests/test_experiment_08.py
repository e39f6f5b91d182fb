"""The quick profile of experiment 08, end to end."""

import json

from conftest import assert_controls_opposite, expected_verdicts, run_python


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    result = run_python(
        "experiments/08_sequence_regression.py", "--profile", "quick", "--results-dir", tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "08_sequence_regression" / "metrics.json").read_text())
    assert {c["id"]: c["verdict"] for c in data["claims"]} == expected_verdicts(
        "08", profile="quick"
    )
    assert_controls_opposite(data)
    assert set(data["metrics"]["generated_test_mse"]) == {
        "per-token",
        "last step",
        "mean-pooled",
        "bidirectional",
        "predict the training mean",
    }
