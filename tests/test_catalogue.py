import json
import re

import pytest

from lstm_lab.catalogue import SEED_RATES, STATEMENTS, TRAINING_CLAIMS, seed_rate, source_of

from conftest import ROOT, shared_file


def test_every_documented_claim_has_a_statement_and_a_source():
    documented = set(re.findall(r"\| (C\d{3}-\d{2}) \|", shared_file("../claims.md").read_text()))
    assert len(documented) == 45
    assert documented <= set(STATEMENTS)
    assert all(source_of(claim_id).endswith(".txt") for claim_id in documented)


def test_lab_claims_are_the_labs():
    lab = [claim_id for claim_id in STATEMENTS if claim_id.startswith("L-")]
    assert lab and all(source_of(claim_id) == "lstm-lab" for claim_id in lab)


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
