import pytest

from lstm_lab.probes import anatomy, bidirectional

SLOW = (  # builds and calls every layer of the shape table: left out of pytest -m "not slow"
    "test_every_cell_of_the_shape_table_agrees_with_the_rules",
)


def test_the_rules_predict_a_few_cells_by_hand():
    # Bidirectional LSTM, concat, sequences and states: (B, T, 2u), then fwd h, fwd c, bwd h, bwd c.
    assert anatomy.expected_outputs("LSTM", "concat", True, True, 1, units=3, batch=2, steps=7) == [
        (2, 7, 6),
        (2, 3),
        (2, 3),
        (2, 3),
        (2, 3),
    ]
    # merge_mode=None: two outputs, no merging.
    assert anatomy.expected_outputs("GRU", None, False, False, 1, units=3, batch=2, steps=7) == [
        (2, 3),
        (2, 3),
    ]
    assert anatomy.expected_outputs(
        "SimpleRNN", "none", False, True, 2, units=3, batch=2, steps=7
    ) == [(2, 3), (2, 3)]


def test_the_parameter_formulas():
    assert anatomy.parameter_count("SimpleRNN", 20, 100) == 2420
    assert anatomy.parameter_count("LSTM", 32, 128) == 20608  # the IMDb model's LSTM (source C002)
    assert anatomy.parameter_count("GRU", 3, 5) == 3 * 3 * 9 + 9
    assert anatomy.parameter_count("GRU", 3, 5, reset_after=False) == 3 * 3 * 9
    with pytest.raises(ValueError):
        anatomy.parameter_count("Transformer", 1, 1)


def test_every_cell_of_the_shape_table_agrees_with_the_rules():
    rows = anatomy.shape_table(kinds=anatomy.KINDS)
    assert len(rows) == 3 * 6 * 2 * 2 * 2
    wrong = [row for row in rows if not (row["shapes_agree"] and row["parameters_agree"])]
    assert wrong == []
    # L-02-01's control: against the prediction for the other return_sequences, none agrees.
    assert not any(row["observed"] == row["swapped_expected"] for row in rows)


def test_the_single_layer_parameter_table_agrees():
    rows = anatomy.parameter_table()
    assert len(rows) == 12 and all(r["formula"] == r["count_params"] for r in rows)


def test_layers_without_bias_are_below_every_formula():
    rows = anatomy.parameter_table(use_bias=False)
    assert len(rows) == 12 and all(r["count_params"] < r["formula"] for r in rows)


def test_the_parameter_count_does_not_depend_on_the_sequence_length():
    assert set(anatomy.parameters_by_sequence_length().values()) == {2420}
    # C003-03's control: a Dense on the flattened steps has weights for each step.
    unshared = anatomy.parameters_by_sequence_length(lengths=(5, 50), recurrent=False)
    assert unshared == {"5": 5 * 100 * 20 + 20, "50": 50 * 100 * 20 + 20}


def test_stacking_without_sequences_raises_and_with_them_builds():
    error = anatomy.stacking_error(lower_returns_sequences=False)
    assert error["type"] == "ValueError" and "expected ndim=3, found ndim=2" in error["message"]
    assert anatomy.stacking_error(lower_returns_sequences=True) is None


def test_state_counts():
    assert anatomy.state_counts(("SimpleRNN", "GRU", "LSTM")) == {
        "SimpleRNN": 1,
        "GRU": 1,
        "LSTM": 2,
    }
    assert anatomy.state_counts(return_state=False) == {"GRU": 0, "LSTM": 0}


def test_the_last_output_of_a_plain_lstm_is_its_final_h():
    assert bidirectional.probe_last_output()["last output - final h"] == 0.0


def test_the_last_output_is_the_identity_map_of_h_and_a_tanh_head_is_not_linear():
    plain = bidirectional.probe_linear_map()
    assert plain["relative residual"] < 1e-9 and plain["map - identity"] < 1e-9
    assert plain["bias"] < 1e-9
    assert bidirectional.probe_linear_map(head="tanh")["relative residual"] > 0.01


def test_bidirectional_identities():
    bi = bidirectional.probe_bidirectional()
    assert bi["output width"] == 8
    assert bi["forward half, last step - forward final h"] == 0.0
    assert bi["backward half, first step - backward final h"] == 0.0
    assert bi["backward half, last step - backward final h"] > 0.01
    assert bi["states [1:3] - forward layer's (h, c)"] == 0.0
    assert bi["states [3:5] - backward layer's (h, c)"] == 0.0
    assert bi["earlier tokens changed: backward half, last step moves by"] == 0.0
    assert bi["earlier tokens changed: forward half, last step moves by"] > 0.01
    assert bi["earlier tokens changed: backward half, first step moves by"] > 0.01


def test_joining_along_time_puts_the_second_branch_last():
    joined = bidirectional.probe_concatenation()
    assert joined["along time: shape"] == [2, 12, 4] and joined["along features: shape"] == [
        2,
        6,
        8,
    ]
    assert joined["along time: last step - second branch's last step"] == 0.0
    assert joined["along time: last step - first branch's last step"] > 0.01
    assert joined["along features: last step - both branches' last steps"] == 0.0
    assert joined["along time: last step is the second branch's"]
    assert not joined["along features: last step is the second branch's"]
