"""The quick profile of experiment 01, end to end, into a temporary results directory."""

import json

from conftest import assert_controls_opposite, expected_verdicts, run_quick

EXPECTED = expected_verdicts("01", profile="quick")  # from the catalogue, on the installed Keras


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    result, folder = run_quick("01_return_sequences_and_state", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert {c["id"]: c["verdict"] for c in data["claims"]} == EXPECTED
    assert_controls_opposite(data)
    reproduction = next(c for c in data["claims"] if c["id"] == "C002-10")
    assert len(reproduction["observed"]) == 72 and reproduction["tolerance"] == "atol 1e-07"
    assert data["metrics"]["reproduction_max_abs_error_float32"] <= 1e-7
    assert (folder / "printed_vs_reproduced.png").exists()
    assert "| forget f |" in (folder / "report.md").read_text()
