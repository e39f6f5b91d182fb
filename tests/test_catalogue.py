import re

from lstm_lab.catalogue import STATEMENTS, source_of

from conftest import shared_file


def test_every_documented_claim_has_a_statement_and_a_source():
    documented = set(re.findall(r"\| (C\d{3}-\d{2}) \|", shared_file("../claims.md").read_text()))
    assert len(documented) == 45
    assert documented <= set(STATEMENTS)
    assert all(source_of(claim_id).endswith(".txt") for claim_id in documented)


def test_lab_claims_are_the_labs():
    lab = [claim_id for claim_id in STATEMENTS if claim_id.startswith("L-")]
    assert lab and all(source_of(claim_id) == "lstm-lab" for claim_id in lab)
