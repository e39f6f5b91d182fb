"""The catalogue: one record per claim, each quoting its source word for word, explained,
and with expectations that are measurements (seed rates against their committed sweeps)."""

import json
import re

import pytest

from lstm_lab.claims.catalogue import (
    RECORDS,
    SETTINGS,
    TRAINING_CLAIMS,
    claims_of,
    expected_verdicts,
    record_of,
    seed_rate,
)
from lstm_lab.claims.record import Record
from lstm_lab.claims.sources import SOURCES
from lstm_lab.report.markdown import render_sources

from conftest import ROOT, shared_file

EXPERIMENTS = sorted(path.name[:2] for path in (ROOT / "experiments").glob("[0-9][0-9]_*.py"))


def test_every_documented_claim_has_a_record_and_its_source_document():
    documented = set(re.findall(r"\| (C\d{3}-\d{2}) \|", shared_file("../claims.md").read_text()))
    assert len(documented) == 45
    assert documented <= set(RECORDS) | set(SETTINGS)  # a setting: no claim, said so
    assert not set(RECORDS) & set(SETTINGS)
    for claim_id in documented & set(RECORDS):
        source = SOURCES[record_of(claim_id).source]
        assert source.key == claim_id[:4]
        assert (shared_file("../seeds") / source.file).exists()


def test_every_record_names_a_known_source_and_an_experiment_that_checks_it():
    for claim_id, record in RECORDS.items():
        assert record.source in SOURCES, claim_id
        assert record.experiment in EXPERIMENTS, claim_id
        script = next((ROOT / "experiments").glob(f"{record.experiment}_*.py")).read_text()
        assert f'"{claim_id}"' in script, (claim_id, record.experiment)
    lab = [record for claim_id, record in RECORDS.items() if claim_id.startswith("L-")]
    assert lab and {record.source for record in lab} == {"lstm-lab"}


CLAIM_ID = re.compile(r"\b(?:C\d{3}-\d{2}|K3-\d{2}|L-\d{2}-\d{2}|Q\d{2}-\d{2})\b")


def test_every_claim_id_the_code_names_is_in_the_catalogue():
    """The code points to claims by id (its checks, its docstrings); the catalogue owns them,
    so a renamed, retired or mistyped id is caught here, not by a reader."""
    named = {}
    for folder in ("lstm_lab", "experiments", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for claim_id in CLAIM_ID.findall(path.read_text()):
                named.setdefault(claim_id, path.relative_to(ROOT))
    assert len(named) > 40
    unknown = {c: str(path) for c, path in named.items() if c not in RECORDS and c not in SETTINGS}
    assert not unknown


def test_every_claim_names_its_control():
    """A claim's verdict counts only beside a control whose outcome is known: a record
    without one is not a claim (a setting belongs in the report's set-up)."""
    missing = [claim_id for claim_id, record in RECORDS.items() if not record.control.strip()]
    assert not missing, f"claims without a control: {missing}"


def test_a_claim_about_an_error_names_its_type_and_message():
    for claim_id, record in RECORDS.items():
        if record.raises:
            assert record.raises["type"][0].isupper() and record.raises["match"], claim_id


def test_every_claim_has_a_plain_explanation():
    for claim_id, record in RECORDS.items():
        sentences = len(re.findall(r"[.!?](\s|$)", record.explanation))
        assert 2 <= sentences <= 5, (claim_id, sentences)


def test_every_source_claim_quotes_its_source_word_for_word():
    # A quote must be in the source document as written (an ellipsis joins two pieces of
    # it), and a Chinese quote comes with its English translation.
    for claim_id, record in RECORDS.items():
        if not record.quote:
            assert claim_id in ("K3-09", "K3-10") or claim_id.startswith("L-"), claim_id
            continue
        has_chinese = re.search("[\u4e00-\u9fff]", record.quote) is not None
        assert bool(record.english) == has_chinese, claim_id
        source = SOURCES[record.source]
        if source.file:
            document = " ".join((shared_file("../seeds") / source.file).read_text().split())
            for piece in record.quote.split(" … "):
                assert " ".join(piece.split()) in document, (claim_id, piece)


def test_the_source_list_names_every_source_with_its_claims():
    text = render_sources()
    for source in SOURCES.values():
        assert f'<a id="{source.anchor}"></a>' in text and f"## {source.title}" in text
    assert "https://cnvrg.io/pytorch-lstm/" in text and "- Claims: C004-01" in text
    assert "- Claims: L-01-01" in text


def test_a_record_rejects_an_expectation_that_is_not_a_verdict():
    with pytest.raises(ValueError, match="not 'error'"):
        Record("X-01", "01", "lstm-lab", "s", "e. f.", expect="error")


def test_expectations_by_backend_release_and_profile():
    assert expected_verdicts("03")["C004-11"] == "refuted"  # Keras 3 removed the calls
    assert expected_verdicts("03", backend="jax")["C004-01"] == "refuted"  # fit drops state
    assert expected_verdicts("03", keras_version="3.15.1")["L-03-01"] == "confirmed"
    assert expected_verdicts("03", keras_version="3.11.3")["L-03-01"] == "refuted"  # measured
    # by_keras entries for one backend, each measured in results/versions.md
    assert expected_verdicts("09", backend="jax", keras_version="3.14.1")["K3-02"] == "confirmed"
    assert expected_verdicts("09", backend="jax", keras_version="3.15.1")["K3-02"] == "refuted"
    assert expected_verdicts("09", backend="torch", keras_version="3.13.2")["K3-05"] == "confirmed"
    assert expected_verdicts("09", keras_version="3.13.2")["K3-02"] == "confirmed"
    assert seed_rate("C001-04", "quick").at_least == 4 and seed_rate("C004-03", "full").of == 5
    assert seed_rate("C003-07", "full", "torch").of == 3
    assert claims_of("09") == [f"K3-{n:02d}" for n in range(1, 11)]


@pytest.mark.parametrize(
    "claim_id, key",
    [(claim_id, key) for claim_id, r in RECORDS.items() for key in r.seed_rates],
)
def test_each_seed_rate_is_what_its_committed_sweep_measured(claim_id, key):
    # A rate is the lab's expectation, and it must be the measurement, not a wish: the
    # committed sweep it names saw exactly that many of its seeds as expected, on TensorFlow
    # unless the rate names another backend.
    profile, backend = (key, "tensorflow") if isinstance(key, str) else key
    rate = RECORDS[claim_id].seed_rates[key]
    summary = json.loads((ROOT / "results" / "sweeps" / rate.sweep / "summary.json").read_text())
    assert summary["profile"] == profile
    [row] = [r for r in summary["claims"] if (r["id"], r["backend"]) == (claim_id, backend)]
    assert (row["as_expected"], row["runs"]) == (rate.at_least, rate.of)
    assert tuple(row["seeds"]) == rate.seeds  # named seeds, each with its measured verdict
    other = tuple(s for s, v in zip(row["seeds"], row["verdicts"]) if v != row["expect"])
    assert other == rate.other_on


def test_every_training_claim_has_a_rate_on_both_profiles():
    assert {"C001-04", "C003-07", "C004-03"} <= set(TRAINING_CLAIMS)
    for claim_id in TRAINING_CLAIMS:
        assert seed_rate(claim_id, "full") and seed_rate(claim_id, "quick"), claim_id


def test_a_new_claim_is_one_table_and_one_check(tmp_path, monkeypatch):
    # What adding a claim takes: a table in its source's TOML file, and one report.check in
    # the experiment it names. Nothing else learns of it, yet the report has it all.
    (tmp_path / "c004_more.toml").write_text(
        "[C004-12]\n"
        'experiment = "03"\n'
        'source = "C004"\n'
        'statement = "reset_states() zeroes every stateful layer"\n'
        'quote = "call reset_states()"\n'
        'explanation = "A reset puts the state back to zeros. The next batch starts afresh."\n'
        'control = "a layer never reset: its state is not zero"\n'
        'by_backend.jax = { verdict = "refuted", why = "a made-up reason" }\n'
    )
    from lstm_lab.claims import catalogue
    from lstm_lab.claims.compare import exactly
    from lstm_lab.report.run_report import Report

    monkeypatch.setattr(catalogue, "RECORDS", {**catalogue.RECORDS, **catalogue.load(tmp_path)})
    report = Report("99_demo", "A demo", profile="quick", seed=1, results_dir=tmp_path / "r")
    claim = report.check("C004-12", documented=0.0, observed=0.0, compare=exactly, control=1.0)
    assert claim.statement == "reset_states() zeroes every stateful layer"
    assert claim.source == SOURCES["C004"].title and claim.expect == "confirmed"
    assert report.write() == 0
    text = (tmp_path / "r" / "99_demo" / "report.md").read_text()
    assert "“call reset_states()”" in text and "The next batch starts afresh." in text
    assert catalogue.expected_verdicts("03", backend="jax")["C004-12"] == "refuted"


def test_a_malformed_catalogue_file_is_named(tmp_path):
    from lstm_lab.claims import catalogue

    (tmp_path / "bad.toml").write_text('[C004-99]\nexperiment = "03"\ncolour = "red"\n')
    with pytest.raises(ValueError, match="bad.toml: claim C004-99"):
        catalogue.load(tmp_path)
