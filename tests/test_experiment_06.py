"""The quick profile of experiment 06, end to end."""

import json

from conftest import assert_controls_opposite, run_python


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    result = run_python(
        "experiments/06_sine_wave.py", "--profile", "quick", "--results-dir", tmp_path
    )
    data = json.loads((tmp_path / "06_sine_wave" / "metrics.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts == {
        "C003-05": "confirmed",
        "C003-06": "confirmed",
        "C003-07": "confirmed",
    }
    assert_controls_opposite(data)
    markdown = (tmp_path / "06_sine_wave" / "report.md").read_text()
    assert (
        "| points per window, start s | 51 on [s, s + 10], s in {0, 1, 2} | 51, s in {0, 1, 2} |"
        in (markdown)
    )
    assert (tmp_path / "06_sine_wave" / "roll_out.png").exists()
