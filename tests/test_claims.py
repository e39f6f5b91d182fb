import numpy as np
import pytest

from lstm_lab.arrays import jsonable
from lstm_lab.claims.compare import exactly, same_labels, same_shape, within
from lstm_lab.claims.verdict import check, check_failed, check_not_run


def test_same_shape_treats_none_as_a_dimension():
    assert same_shape((None, 80, 128), [None, 80, 128]).agrees
    result = same_shape((6, 3, 1), (6, 3))
    assert not result.agrees
    assert "(6, 3)" in result.detail


def test_exactly_compares_arrays_element_by_element():
    assert exactly([1.0, 2.0], np.array([1.0, 2.0])).agrees
    result = exactly([1.0, 2.0], [1.0, 2.0000001])
    assert not result.agrees and "1 value(s) differ" in result.detail
    assert not exactly([1, 2], [1, 2, 3]).agrees


def test_exactly_compares_strings_whole():
    assert exactly("the last h itself", "the last h itself").agrees
    result = exactly("a linear map of the last h", "the last h itself")
    assert (
        not result.agrees
        and result.detail == "'the last h itself', not 'a linear map of the last h'"
    )


def test_exactly_compares_ragged_lists_as_plain_data():
    assert exactly([[200, 1, 5], [200, 1]], [(200, 1, 5), (200, 1)]).agrees
    result = exactly([[200, 1, 5], [200, 1]], [[200, 1, 5], [199, 1]])
    assert not result.agrees and "[199, 1]" in result.detail


def test_exactly_compares_dicts_key_by_key():
    assert exactly({"a": True, "b": False}, {"a": True, "b": False}).agrees
    result = exactly({"a": True, "b": True}, {"a": True, "b": False})
    assert not result.agrees and "['b']" in result.detail
    assert not exactly({"a": True}, {"a": True, "extra": 1}).agrees


def test_same_labels_names_the_first_difference():
    assert same_labels("BCDEF", list("BCDEF")).agrees
    result = same_labels("BCDEF", "BCDDF")
    assert not result.agrees
    assert "4/5" in result.detail and "position 3" in result.detail
    assert not same_labels("BCD", "BC").agrees


def test_within_applies_its_tolerance_and_says_so():
    close = within(1e-6)
    assert close(0.0, 5e-7).agrees
    assert not close(0.0, 2e-6).agrees
    assert close.tolerance == "atol 1e-06"
    assert within(0, rtol=0.01).tolerance == "atol 0, rtol 0.01"
    assert within(0, rtol=0.01)([100.0], [100.9]).agrees
    assert "max abs difference 2e-06" in close(0.0, 2e-6).detail


def test_check_records_source_statement_and_verdict():
    claim = check(
        "C004-02", documented="BCDEF", observed="BCDEF", compare=same_labels, evidence="x"
    )
    assert claim.verdict == "confirmed" and claim.as_expected
    assert claim.source == "了解有状态的LSTM [英] Understanding stateful LSTM"
    assert "'K'" in claim.statement
    assert claim.evidence == "all 5 labels agree; x"


def test_an_expected_refutation_is_as_expected():
    claim = check(
        "C004-11", documented={"a": True}, observed={"a": False}, compare=exactly
    )  # the catalogue expects it refuted
    assert claim.verdict == "refuted" and claim.as_expected


def test_an_unexpected_verdict_is_flagged():
    claim = check("C004-01", documented=1.0, observed=0.96, compare=exactly)
    assert claim.verdict == "refuted" and not claim.as_expected


def test_lab_claims_have_the_lab_as_source():
    assert check("L-03-01", True, True, exactly).source == "lstm-lab (the lab's own claims)"


def test_check_rejects_unknown_ids():
    with pytest.raises(KeyError, match="C999-01"):
        check("C999-01", 1, 1, exactly)


def test_the_expectation_comes_from_the_record_for_the_backend():
    claim = check("C004-01", documented=1.0, observed=0.2, compare=exactly, backend="jax")
    assert claim.verdict == claim.expect == "refuted" and claim.as_expected
    assert "[expected refuted on jax: on JAX, fit" in claim.evidence


def test_check_failed_records_an_error_verdict():
    claim = check_failed("C004-03", "training diverged", documented=650)
    assert claim.verdict == "error" and not claim.as_expected
    assert claim.evidence == "training diverged" and claim.observed is None


def test_a_check_that_cannot_run_here_is_not_run_never_confirmed():
    claim = check_not_run("K3-04", "needs a GPU; this run has cpu")
    assert claim.verdict == "not run" and claim.expect == "not run" and claim.as_expected
    assert claim.evidence == "needs a GPU; this run has cpu" and claim.observed is None


def test_a_tolerance_given_to_check_overrides_the_comparisons():
    claim = check("C004-05", {"a": True}, {"a": True}, exactly, tolerance="equal within 1e-6")
    assert claim.tolerance == "equal within 1e-6"


def test_jsonable_turns_numpy_into_plain_types():
    value = jsonable({"a": np.float32(0.5), "b": np.arange(3), "c": (np.bool_(True), np.int64(2))})
    assert value == {"a": 0.5, "b": [0, 1, 2], "c": [True, 2]}
    assert type(value["a"]) is float and type(value["c"][1]) is int
