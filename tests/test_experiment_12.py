"""The quick profile of experiment 12 (training outcomes) on TensorFlow, and its probes where
the answers are known."""

import numpy as np

from conftest import assert_quick_run_as_expected


def test_quick_run_gives_the_expected_verdicts_beside_their_controls(results_dir):
    result, _ = assert_quick_run_as_expected("12_training_outcomes", results_dir)
    assert result.stdout.strip().splitlines()[-1].startswith("12_training_outcomes: 2 confirmed")


def test_a_random_walks_next_step_is_its_last_step_plus_noise_and_a_sines_is_not():
    from lstm_lab.probes.training_outcomes import next_step_windows

    x, y = next_step_windows(3, "walk", 500)
    assert x.shape == (500, 10, 1) and y.shape == (500, 1)
    assert abs(float(np.std(y - x[:, -1])) - 0.1) < 0.01  # the walk's steps: sd 0.1
    x, y = next_step_windows(3, "sine", 500)
    assert float(np.abs(y - x[:, -1]).mean()) > 0.3  # a sine of period 12 moves every step
