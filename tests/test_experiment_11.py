"""The quick profile of experiment 11 (masks, dropout and unrolling) on TensorFlow, and its
probes where the answers are known."""

from conftest import assert_quick_run_as_expected


def test_quick_run_gives_the_expected_verdicts_beside_their_controls(results_dir):
    assert_quick_run_as_expected("11_masks_and_dropout", results_dir)


def test_a_dropout_layer_in_front_draws_a_mask_per_step_and_the_layers_own_does_not():
    from lstm_lab.probes.masks import dropout_masks

    own, in_front = dropout_masks(3), dropout_masks(3, before=True)
    for kind in ("SimpleRNN", "LSTM"):
        assert own[f"{kind}: one input mask serves every step"]
        assert not in_front[f"{kind}: one input mask serves every step"]
    assert own["inference drops nothing"] and own["some inputs are dropped in training"]


def test_padding_at_the_back_changes_the_answer_only_without_a_mask():
    from lstm_lab.probes.masks import EQUAL, padding_sides

    assert max(padding_sides(3).values()) <= EQUAL
    assert padding_sides(3, masked=False)["post"] > EQUAL


def test_timedistributed_accepts_the_right_mask_and_names_the_wrong_one():
    from lstm_lab.probes.masks import time_distributed_mask

    assert time_distributed_mask(5) is None
    wrong = time_distributed_mask(6)
    assert wrong["type"] == "ValueError" and "incompatible with the input shape" in wrong["message"]
