import json
import re

import pytest

from lstm_lab.claims.catalogue import SEED_RATES, STATEMENTS, TRAINING_CLAIMS, seed_rate, source_of
from lstm_lab.claims.explanations import EXPLANATIONS
from lstm_lab.claims.sources import QUOTES, SOURCES, quote_of, render_sources

from conftest import ROOT, shared_file


def test_every_documented_claim_has_a_statement_and_a_source():
    documented = set(re.findall(r"\| (C\d{3}-\d{2}) \|", shared_file("../claims.md").read_text()))
    assert len(documented) == 45
    assert documented <= set(STATEMENTS)
    for claim_id in documented:
        source = SOURCES[claim_id[:4]]
        assert source_of(claim_id) == source.title
        assert (shared_file("../seeds") / source.file).exists()


def test_lab_claims_are_the_labs():
    lab = [claim_id for claim_id in STATEMENTS if claim_id.startswith("L-")]
    assert lab and all(source_of(claim_id) == SOURCES["lstm-lab"].title for claim_id in lab)


def test_every_claim_has_a_plain_explanation_and_no_explanation_is_orphaned():
    assert set(EXPLANATIONS) == set(STATEMENTS)
    for claim_id, text in EXPLANATIONS.items():
        sentences = len(re.findall(r"[.!?](\s|$)", text))
        assert 2 <= sentences <= 5, (claim_id, sentences)


def test_every_source_claim_quotes_its_source_word_for_word():
    # A quote must be in the source document as written (an ellipsis joins two pieces of
    # it), and a Chinese quote comes with its English translation.
    assert set(QUOTES) == {c for c in STATEMENTS if not c.startswith("L-")}
    for claim_id, quote in QUOTES.items():
        assert quote.source in SOURCES
        if quote.text is None:
            assert claim_id in ("K3-09", "K3-10")  # paraphrased from issue threads
            continue
        has_chinese = re.search("[\u4e00-\u9fff]", quote.text) is not None
        assert (quote.english is not None) == has_chinese, claim_id
        source = SOURCES[quote.source]
        if source.file:
            document = " ".join((shared_file("../seeds") / source.file).read_text().split())
            for piece in quote.text.split(" … "):
                assert " ".join(piece.split()) in document, (claim_id, piece)
    assert quote_of("L-03-01").source == "lstm-lab"


def test_the_source_list_names_every_source_with_its_claims():
    text = render_sources()
    for source in SOURCES.values():
        assert f'<a id="{source.anchor}"></a>' in text and f"## {source.title}" in text
    assert "https://cnvrg.io/pytorch-lstm/" in text and "- Claims: C004-01" in text


@pytest.mark.parametrize("key", sorted(SEED_RATES))
def test_each_seed_rate_is_what_its_committed_sweep_measured(key):
    # A rate is the lab's expectation, and it must be the measurement, not a wish: the
    # committed sweep it names saw exactly that many of its seeds as expected, on TensorFlow
    # unless the rate names another backend.
    claim_id, profile, backend = (*key, "tensorflow")[:3]
    rate = SEED_RATES[key]
    summary = json.loads((ROOT / "results" / "sweeps" / rate.sweep / "summary.json").read_text())
    assert summary["profile"] == profile
    [row] = [r for r in summary["claims"] if (r["id"], r["backend"]) == (claim_id, backend)]
    assert (row["as_expected"], row["runs"]) == (rate.at_least, rate.of)


def test_every_training_claim_has_a_rate_on_both_profiles():
    assert {"C001-04", "C003-07", "C004-03"} <= set(TRAINING_CLAIMS)
    for claim_id in TRAINING_CLAIMS:
        assert seed_rate(claim_id, "full") and seed_rate(claim_id, "quick"), claim_id
