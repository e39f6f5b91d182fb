"""The state-semantics probes behind C004-05 … C004-07 and L-03-01, and the C004-11 probes,
each on its claim's configuration and on its control's."""

import pytest

from lstm_lab.backend import keras
from lstm_lab.claims.catalogue import record_of
from lstm_lab.claims.compare import same_error
from lstm_lab.probes import stateful
from lstm_lab.probes.keras2_calls import outcome, probe_keras2_calls, unknown_errors

# Keras 3.0 to 3.11 had no batch-size check: a batch of 1 was broadcast over the stored states
# (keras-team/keras#21183); 3.12.0 added the ValueError (keras-team/keras#21742).
KERAS = tuple(int(part) for part in keras.__version__.split(".")[:2])


def test_a_stateful_layer_carries_state_until_reset_and_a_stateless_one_does_not():
    carry = stateful.probe_carry_over(stateful=True)
    assert carry["second call - first call"] > 0.01
    assert carry["after reset_state() - first call"] == 0.0
    assert stateful.probe_carry_over(stateful=False) == {
        "second call - first call": 0.0,
        "after reset_state() - first call": 0.0,
    }


def test_row_i_of_a_batch_continues_row_i_of_the_previous_batch():
    rows = stateful.probe_rows_continue()
    assert rows["chunked - one pass"] <= 1e-6
    assert rows["chunked with rows rolled by one - one pass"] > 0.01


def test_a_long_sequence_fed_in_chunks_equals_one_pass_unless_reset_between():
    long = stateful.probe_long_sequence()
    assert long["chunked - one pass"] <= 1e-6
    assert long["chunked with a reset before each chunk - one pass"] > 0.01


@pytest.mark.skipif(KERAS < (3, 12), reason="Keras < 3.12 does not check the batch size")
def test_another_batch_size_raises_the_recorded_error_and_the_built_size_does_not():
    expected = record_of("L-03-01").raises
    outcomes = stateful.probe_batch_sizes(built_for=4, fed=(1, 2, 4))
    for fed in ("batch of 1", "batch of 2"):
        assert same_error(expected, outcomes[fed]).agrees, outcomes[fed]
        assert "\x1b" not in outcomes[fed]["message"]
    assert outcomes["batch of 2"]["message"].endswith(
        "Expected batch size: 4 - Received batch size: 2"
    )
    assert outcomes["batch of 4"] is None
    assert not same_error(expected, outcomes["batch of 4"]).agrees


def test_another_exception_than_the_recorded_one_is_not_a_judgement():
    expected = record_of("L-03-01").raises
    other = {"type": "ValueError", "types": ["ValueError"], "message": "Unrecognized keyword"}
    assert same_error(expected, other).failed
    assert same_error(expected, {"type": "RuntimeError", "message": "x"}).failed
    # where Keras made no batch-size check (before 3.12) the backend's shape error refutes
    shape_error = {"type": "RuntimeError", "message": "doesn't match the broadcast shape [4, 32]"}
    judged = same_error(expected, shape_error)
    assert not judged.agrees and not judged.failed


def test_the_tutorials_keras2_calls_fail_with_their_known_errors_and_the_keras3_way_runs():
    rows = {row["call"]: row for row in probe_keras2_calls()}
    assert unknown_errors(rows.values()) == []
    assert all(row["keras3 raised"] is None for row in rows.values())
    assert outcome(
        rows["LSTM(50, batch_input_shape=(1, 1, 1), stateful=True)"]["raised"]
    ).startswith("ValueError: Unrecognized keyword arguments passed to LSTM")
    assert outcome(rows["from keras.utils import np_utils"]["raised"]) == (
        "ImportError: cannot import name 'np_utils' from 'keras.utils'"
    )
    assert "has no attribute 'reset_states'" in rows["model.reset_states()"]["raised"]["message"]


def test_a_call_that_raises_another_error_than_its_known_one_is_named():
    [row] = [r for r in probe_keras2_calls() if r["call"] == "model.reset_states()"]
    row = {**row, "raised": {"type": "TypeError", "types": ["TypeError"], "message": "boom"}}
    assert unknown_errors([row]) == [
        "`model.reset_states()`: another exception than expected: TypeError: boom"
    ]
