"""The quick profile of experiment 10 (states handed over and carried) on TensorFlow, and its
probes on a stateless layer where the answers are known."""

from conftest import assert_quick_run_as_expected


def test_quick_run_gives_the_expected_verdicts_beside_their_controls(results_dir):
    result, _ = assert_quick_run_as_expected("10_states_carried", results_dir)
    assert result.stdout.strip().splitlines()[-1].startswith("10_states_carried: 8 confirmed")


def test_handing_states_over_is_continuing_and_zeros_are_not():
    from lstm_lab.probes.states import EQUAL, hand_over

    assert hand_over(3) <= EQUAL < hand_over(3, carry=False)


def test_a_stateless_layer_repeats_itself_and_only_an_lstm_has_a_c_apart_from_h():
    from lstm_lab.probes.states import cell_state_every_step

    lstm = cell_state_every_step(3)
    assert lstm["the sequence output is the cell's h at every step"]
    assert not lstm["the sequence output is the cell's last state at every step"]
    assert cell_state_every_step(3, "SimpleRNN")[
        "the sequence output is the cell's last state at every step"
    ]


def test_relu_lets_h_leave_the_range_tanh_keeps_it_in():
    from lstm_lab.probes.states import activation_range

    assert activation_range(3) == {"h and c are never negative": True, "h goes past 1": True}
    assert activation_range(3, "tanh") == {
        "h and c are never negative": False,
        "h goes past 1": False,
    }


def test_bidirectional_splits_its_initial_state_in_halves_forward_first():
    from lstm_lab.probes.states import bidirectional_states

    assert all(bidirectional_states(3).values())
    swapped = bidirectional_states(3, swapped=True)
    assert not swapped["initial_state's first two start the forward half"]
    assert swapped["under a mask both halves end as on the real steps alone"]
    unmasked = bidirectional_states(3, masked=False)
    assert not unmasked["under a mask both halves end as on the real steps alone"]


def test_fit_without_validation_data_leaves_the_training_batchs_states():
    from lstm_lab.probes.states import validation_moves_states

    (validated, error), (trained, _) = validation_moves_states(3), validation_moves_states(3, False)
    assert error is None and all(validated.values()) and not any(trained.values())
