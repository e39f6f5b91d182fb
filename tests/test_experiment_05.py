"""The quick profile of experiment 05 on the shared copy of Alice (via --data-dir), end to end."""

import json

from conftest import (
    assert_controls_opposite,
    expected_verdicts,
    run_offline,
    run_python,
    run_quick,
    shared_file,
)

EXPECTED = expected_verdicts("05", profile="quick")  # from the catalogue, on the installed Keras


def test_quick_profile_records_every_claim_as_expected(tmp_path):
    data_dir = shared_file("alice_in_wonderland_pg11.txt").parent  # found there by name
    result, folder = run_quick("05_text_generator", tmp_path, "--data-dir", data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert {c["id"]: c["verdict"] for c in data["claims"]} == EXPECTED
    assert_controls_opposite(data)  # C004-08 on TF 3.14+: refuted as its control, expected
    assert (
        1.5
        < data["metrics"]["bigram_nats_per_character"]
        < data["metrics"]["unigram_nats_per_character"]
    )
    markdown = (folder / "report.md").read_text()
    assert "**temperature 0.2**" in markdown and "**temperature 1.2**" in markdown


def test_without_the_book_the_wiring_is_checked_on_a_stand_in_text_and_training_not_run(
    tmp_path,
):
    result, folder = run_offline("05_text_generator", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((folder / "metrics.json").read_text())
    assert [(c["id"], c["verdict"]) for c in data["claims"]] == list(EXPECTED.items())
    assert_controls_opposite(data)  # C004-08 on TF 3.14+: refuted as its control, expected
    section = (folder / "report.md").read_text().split("## Not run for want of data")[1]
    assert "Cannot download Alice in Wonderland ([Errno -3] offline)" in section
    assert "training" in section.lower() and not (folder / "training_loss.png").exists()


def test_an_unreadable_corpus_exits_2(tmp_path):
    result = run_python(
        "experiments/05_text_generator.py",
        "--corpus",
        tmp_path / "none.txt",
        "--results-dir",
        tmp_path,
    )
    assert result.returncode == 2 and "error: cannot read the corpus" in result.stderr
    assert "Traceback" not in result.stderr
