import pytest

from lstm_lab.probes import anatomy, bidirectional


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


def test_the_single_layer_parameter_table_agrees():
    rows = anatomy.parameter_table()
    assert len(rows) == 12 and all(r["formula"] == r["count_params"] for r in rows)


def test_the_parameter_count_does_not_depend_on_the_sequence_length():
    assert set(anatomy.parameters_by_sequence_length().values()) == {2420}


def test_the_last_output_of_a_plain_lstm_is_its_final_h():
    assert bidirectional.probe_last_output()["last output - final h"] == 0.0


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
