"""The NumPy cells match the Keras layers with the same weights (C002-12), tolerance 1e-6."""

import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.references import numpy_cells

TOLERANCE = 1e-6  # float32 Keras against float64 NumPy over 7 steps


def keras_run(layer, x, initial_state=None):
    inputs = keras.Input(shape=x.shape[1:])
    states = [keras.Input(shape=(s.shape[-1],)) for s in initial_state or []]
    outputs = layer(inputs, initial_state=states or None)
    model = keras.Model([inputs, *states], outputs)
    return [np.asarray(o) for o in model([x, *(initial_state or [])])]


@pytest.fixture
def x():
    return np.random.default_rng(0).normal(size=(4, 7, 5)).astype(np.float32)


def random_weights(layer):
    rng = np.random.default_rng(1)
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    )


def test_simple_rnn_matches_keras(x):
    layer = keras.layers.SimpleRNN(3, return_sequences=True, return_state=True)
    keras_run(layer, x)
    random_weights(layer)
    sequence, h = keras_run(layer, x)
    ref_sequence, ref_h = numpy_cells.simple_rnn(x, layer.get_weights())
    np.testing.assert_allclose(sequence, ref_sequence, atol=TOLERANCE)
    np.testing.assert_allclose(h, ref_h, atol=TOLERANCE)


def test_lstm_matches_keras_from_a_given_state(x):
    layer = keras.layers.LSTM(3, return_sequences=True, return_state=True)
    rng = np.random.default_rng(2)
    h0, c0 = (rng.normal(size=(4, 3)).astype(np.float32) for _ in range(2))
    keras_run(layer, x, [h0, c0])
    random_weights(layer)
    sequence, h, c = keras_run(layer, x, [h0, c0])
    ref_sequence, ref_h, ref_c = numpy_cells.lstm(x, layer.get_weights(), h0, c0)
    np.testing.assert_allclose(sequence, ref_sequence, atol=TOLERANCE)
    np.testing.assert_allclose(h, ref_h, atol=TOLERANCE)
    np.testing.assert_allclose(c, ref_c, atol=TOLERANCE)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_keras_in_both_reset_modes(x, reset_after):
    layer = keras.layers.GRU(3, reset_after=reset_after, return_sequences=True, return_state=True)
    keras_run(layer, x)
    random_weights(layer)
    assert layer.get_weights()[2].shape == ((2, 9) if reset_after else (9,))
    sequence, h = keras_run(layer, x)
    ref_sequence, ref_h = numpy_cells.gru(x, layer.get_weights(), reset_after)
    np.testing.assert_allclose(sequence, ref_sequence, atol=TOLERANCE)
    np.testing.assert_allclose(h, ref_h, atol=TOLERANCE)


def test_the_two_gru_modes_really_differ(x):
    layer = keras.layers.GRU(3, reset_after=False)
    keras_run(layer, x)
    random_weights(layer)
    kernel, recurrent, bias = layer.get_weights()
    after = numpy_cells.gru(x, [kernel, recurrent, np.stack([bias, np.zeros_like(bias)])], True)[1]
    before = numpy_cells.gru(x, [kernel, recurrent, bias], False)[1]
    assert np.max(np.abs(after - before)) > 1e-3
