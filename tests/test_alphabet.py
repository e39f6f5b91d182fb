import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.data import alphabet as data
from lstm_lab.models import alphabet as models
from lstm_lab.training.loops import compiled_fit


def test_the_tutorial_sequence_is_a_to_y_predicting_b_to_z():
    x, y = data.tutorial_sequence()
    assert x.shape == (25, 1, 1) and y.shape == (25, 26)
    np.testing.assert_allclose(x[:3, 0, 0], [0, 1 / 26, 2 / 26])
    assert data.letters(np.argmax(y, axis=1)) == "BCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_rotations_wrap_around_and_are_laid_out_step_major():
    inputs, targets = data.rotation_indices()
    assert data.letters(inputs[0]) == "ABCDEFGHIJKLMNOPQRSTUVWXY"
    assert data.letters(inputs[24]) == "YZABCDEFGHIJKLMNOPQRSTUVW"
    assert data.letters(targets[25]) == "ABCDEFGHIJKLMNOPQRSTUVWXY"
    x, y = data.rotated_sequences()
    assert x.shape == (650, 1, 1) and y.shape == (650, 26)
    batch_3 = slice(3 * 26, 4 * 26)  # step 3 of every rotation
    np.testing.assert_allclose(x[batch_3, 0, 0] * 26, (np.arange(26) + 3) % 26, atol=1e-5)
    np.testing.assert_array_equal(np.argmax(y[batch_3], axis=1), (np.arange(26) + 4) % 26)


def test_the_pairs_include_z_to_a():
    x, y = data.next_letter_pairs()
    assert data.letters(np.argmax(y, axis=1)) == "BCDEFGHIJKLMNOPQRSTUVWXYZA"
    np.testing.assert_array_equal(x, np.eye(26))


def test_letter_helpers():
    assert data.letter_index("k") == 10 and data.letters([10, 1]) == "KB"
    assert data.encode([13]).shape == (1, 1, 1)
    with pytest.raises(ValueError, match="not a letter"):
        data.letter_index("ß")


def test_the_builders_parameter_counts():
    # LSTM: 4 gates x (50 x (1 input + 50 recurrent) + 50 biases); Dense: 50 x 26 + 26.
    model = models.stateful_alphabet_lstm(units=50, batch_size=1)
    assert model.count_params() == 4 * (50 * 51 + 50) + 50 * 26 + 26 == 11726
    assert model.get_layer("lstm").stateful
    assert models.next_letter_dense().count_params() == 26 * 26 + 26


def test_a_copy_with_another_batch_size_keeps_the_weights():
    keras.utils.set_random_seed(1)
    model = models.stateful_alphabet_lstm(units=8, batch_size=26)
    copy = models.with_batch_size(model, 1)
    assert copy.inputs[0].shape[0] == 1
    for a, b in zip(model.get_weights(), copy.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_free_running_starts_from_a_reset_state_every_time():
    keras.utils.set_random_seed(2)
    model = models.stateful_alphabet_lstm(units=8)
    first = models.free_running(model, 10, steps=6)
    assert first.shape == (6,)
    np.testing.assert_array_equal(models.free_running(model, 10, steps=6), first)


def test_each_row_of_the_grid_is_a_batch_1_run_from_that_letter():
    keras.utils.set_random_seed(3)
    x, y = data.rotated_sequences()
    model = models.stateful_alphabet_lstm(units=16, batch_size=26)
    compiled_fit(model, x, y, epochs=40, batch_size=26)  # partly trained: varied predictions
    grid = models.free_running_grid(model, steps=8)
    assert grid.shape == (26, 8)
    single = models.with_batch_size(model, 1)
    for start in range(26):
        np.testing.assert_array_equal(grid[start], models.free_running(single, start, steps=8))
    assert len({data.letters(row) for row in grid}) > 1
