import numpy as np
import pytest

from lstm_lab.arrays import jsonable
from lstm_lab.claims.compare import (
    exactly,
    in_every_case,
    raised,
    same_error,
    same_labels,
    same_shape,
    within,
)
from lstm_lab.claims.record import Expected, SeedRate, binomial_cdf
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


def test_in_every_case_refutes_on_a_plain_difference_and_fails_on_another_exception():
    expected = {"type": "ValueError", "match": "batch"}
    refusal = {"type": "ValueError", "types": ["ValueError"], "message": "wrong batch size"}
    other = {"type": "KeyError", "types": ["KeyError"], "message": "'x'"}
    judge = in_every_case(same_error)
    assert judge(expected, {"a": refusal, "b": refusal}).agrees
    runs = judge(expected, {"a": refusal, "b": None})
    assert not runs.agrees and not runs.failed  # a call that runs refutes "it is refused"
    failed = judge(expected, {"a": refusal, "b": other})
    assert not failed.agrees and "KeyError" in failed.failed
    both = judge(expected, {"a": None, "b": other})
    assert not both.agrees and not both.failed  # the plain difference decides


def test_check_records_source_statement_and_verdict():
    claim = check(
        "C004-02",
        documented="BCDEF",
        observed="BCDEF",
        compare=same_labels,
        evidence="x",
        control="BBBBB",
    )
    assert claim.verdict == "confirmed" and claim.as_expected
    assert claim.source == "了解有状态的LSTM [英] Understanding stateful LSTM"
    assert "'K'" in claim.statement
    assert claim.evidence == "all 5 labels agree; x"


def test_an_expected_refutation_is_as_expected():
    claim = check(
        "C004-11",
        documented={"a": True},
        observed={"a": False},
        compare=exactly,
        control={"a": True},
    )  # the catalogue expects it refuted: its control is a positive one
    assert claim.verdict == "refuted" and claim.as_expected


def test_an_unexpected_verdict_is_flagged():
    claim = check("C004-01", documented=1.0, observed=0.96, compare=exactly, control=0.5)
    assert claim.verdict == "refuted" and not claim.as_expected  # a finding, not inconclusive


def test_lab_claims_have_the_lab_as_source():
    assert (
        check("L-03-01", True, True, exactly, control=False).source
        == "lstm-lab (the lab's own claims)"
    )


def test_check_rejects_unknown_ids():
    with pytest.raises(KeyError, match="C999-01"):
        check("C999-01", 1, 1, exactly, control=0)


def test_the_expectation_comes_from_the_record_for_the_backend():
    claim = check(
        "C004-01", documented=1.0, observed=0.2, compare=exactly, control=0.1, backend="jax"
    )
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
    claim = check(
        "C004-05", {"a": True}, {"a": True}, exactly, tolerance="1e-6", control={"a": False}
    )
    assert claim.tolerance == "1e-6"


def test_jsonable_turns_numpy_into_plain_types():
    value = jsonable({"a": np.float32(0.5), "b": np.arange(3), "c": (np.bool_(True), np.int64(2))})
    assert value == {"a": 0.5, "b": [0, 1, 2], "c": [True, 2]}
    assert type(value["a"]) is float and type(value["c"][1]) is int


def test_a_claim_is_judged_beside_its_control():
    claim = check("C004-01", documented=1.0, observed=1.0, compare=exactly, control=0.4)
    assert claim.verdict == "confirmed" and claim.as_expected
    assert claim.control["outcome"] == claim.control["known"] == "refuted"
    assert claim.control["configuration"] and claim.control["observed"] == 0.4


def test_a_control_that_does_not_come_out_as_known_makes_the_claim_inconclusive():
    # the probe says 1.0 of the configuration known to give less: it could not have failed
    claim = check("C004-01", documented=1.0, observed=1.0, compare=exactly, control=1.0)
    assert claim.verdict == "inconclusive" and not claim.as_expected
    assert "its control" in claim.evidence and "refuted is known" in claim.evidence
    assert claim.control["outcome"] == "confirmed"


def test_a_seed_rate_below_every_seed_admits_no_inconclusive_verdict():
    claim = check("C000-04", documented=True, observed=True, compare=exactly, control=True)
    assert claim.verdict == "inconclusive" and not claim.as_expected


def test_an_expected_error_is_matched_by_type_and_message():
    expected = {"type": "ValueError", "match": "batch size"}

    def raise_(error):
        def call():
            raise error

        return call

    assert same_error(expected, raised(raise_(ValueError("wrong batch size 2")))).agrees
    assert not same_error(expected, raised(lambda: None)).agrees  # no exception: refuted
    other = same_error(expected, raised(raise_(TypeError("batch size"))))
    assert not other.agrees and "another exception" in other.failed
    message = same_error(expected, raised(raise_(ValueError("shapes (2, 5) and (4, 5)"))))
    assert not message.agrees and "expected a message matching" in message.failed
    subclass = raised(raise_(UnicodeError("batch size")))  # a ValueError
    assert same_error(expected, subclass).agrees


def test_the_backend_s_own_error_where_keras_does_not_check_refutes():
    expected = {"type": "ValueError", "match": "batch size", "unchecked": "broadcast shape"}
    unchecked = same_error(expected, raised(_raise_runtime))
    assert not unchecked.agrees and not unchecked.failed and "did not check" in unchecked.detail
    other = same_error(expected, raised(lambda: [][1]))  # matches neither: still an error
    assert not other.agrees and "another exception" in other.failed
    assert same_error(expected, raised(lambda: _raise(ValueError("batch size 2")))).agrees


def _raise(error):
    raise error


def _raise_runtime():
    _raise(RuntimeError("output with shape [1, 32] doesn't match the broadcast shape [4, 32]"))


def test_another_exception_than_the_expected_one_is_an_error_verdict():
    observed = raised(lambda: [][1])
    documented = {"type": "ValueError", "match": "batch"}
    claim = check("C004-01", documented, observed, same_error, control=None)
    assert claim.verdict == "error" and "IndexError" in claim.evidence


def test_a_seed_rate_is_exact_on_the_seeds_its_sweep_measured():
    from lstm_lab.claims.catalogue import record_of

    record = record_of("C001-04")
    rate = record.seed_rates["full"]
    assert rate.seeds == (7, 8, 9, 10, 11) and rate.other_on == (9,)
    assert record.expected(seed=9) == Expected("refuted", record.expected(seed=9).why, None)
    assert record.expected(seed=7).verdict == "confirmed" and not record.expected(seed=7).seed_rate
    assert record.expected(seed=12).seed_rate == rate  # another seed: decided by the rate


def test_a_sweep_tests_a_rate_with_an_exact_binomial_test():
    rate = SeedRate(at_least=4, of=5, sweep="s")
    assert binomial_cdf(1, 5, 0.8) == pytest.approx(0.00672)
    assert rate.required(5) == 2 and rate.holds(2, 5) and not rate.holds(1, 5)
    assert rate.required(1) == 0  # one seed cannot test a rate below every seed
    every = SeedRate(at_least=5, of=5, sweep="s")
    assert every.required(3) == 3 and not every.holds(2, 3)
