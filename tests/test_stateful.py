"""The state-semantics probes behind C004-05 … C004-07 and L-03-01, and the C004-11 probes."""

import pytest

from lstm_lab.probes import stateful
from lstm_lab.probes.keras2_calls import probe_keras2_calls


def test_a_stateful_layer_carries_state_until_reset():
    carry = stateful.probe_carry_over()
    assert carry["stateful: second call - first call"] > 0.01
    assert carry["stateful: after reset_state() - first call"] == 0.0
    assert carry["stateless: second call - first call"] == 0.0
    assert carry["stateless - stateful first call"] == 0.0


def test_row_i_of_a_batch_continues_row_i_of_the_previous_batch():
    rows = stateful.probe_rows_continue()
    assert rows["chunked - one pass"] <= 1e-6
    assert rows["chunked with rows rolled by one - one pass"] > 0.01


def test_a_long_sequence_fed_in_chunks_equals_one_pass():
    long = stateful.probe_long_sequence()
    assert long["chunked - one pass"] <= 1e-6
    assert long["second chunk after a reset - one pass"] > 0.01


@pytest.mark.skipif(
    stateful.keras_version() < stateful.BATCH_SIZE_CHECK_SINCE, reason="Keras < 3.12 does not check"
)
def test_another_batch_size_raises_a_clear_error():
    result = stateful.probe_other_batch_size(built_for=4, fed=2)
    assert result["raised"]
    assert result["error"].startswith("ValueError: If an RNN is stateful, the batch size")
    assert "Expected batch size: 4 - Received batch size: 2" in result["error"]
    assert "\x1b" not in result["error"]


def test_the_tutorials_keras2_calls_fail_on_keras3_with_their_real_errors():
    rows = {row["call"]: row for row in probe_keras2_calls()}
    assert not any(row["runs"] for row in rows.values())
    assert rows["LSTM(50, batch_input_shape=(1, 1, 1), stateful=True)"]["outcome"].startswith(
        "ValueError: Unrecognized keyword arguments passed to LSTM"
    )
    assert rows["from keras.utils import np_utils"]["outcome"] == (
        "ImportError: cannot import name 'np_utils' from 'keras.utils'"
    )
    assert "has no attribute 'reset_states'" in rows["model.reset_states()"]["outcome"]
