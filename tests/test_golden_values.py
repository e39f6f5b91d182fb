"""Golden values, in the style of Keras's own ``lstm_test.py``: one-unit cells with constant
weights on a 3-step input, against numbers that can be checked by hand.

Every kernel and recurrent weight is 0.5, one feature, inputs x = 1, 0.5, -1. The first step
of the LSTM (bias 0, so every gate sees z = 0.5 * 1 = 0.5):

    i = f = o = sigmoid(0.5) = 0.62245933    candidate = tanh(0.5) = 0.46211716
    c1 = i * candidate = 0.28764914          h1 = o * tanh(c1) = 0.17426972

The later steps follow the same equations with z = 0.5 * x + 0.5 * h. Both the NumPy
reference and Keras's layers (with constant initialisers) must give these numbers within
1e-6 (float32 round-off over three steps).
"""

import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.references import numpy_cells

X = np.array([[[1.0], [0.5], [-1.0]]], dtype=np.float32)  # (batch 1, 3 steps, 1 feature)
TOLERANCE = 1e-6

LSTM_H = [0.17426972, 0.20010788, -0.00361958]
LSTM_C = [0.28764914, 0.35742897, -0.00901932]
SIMPLE_RNN_H = [0.46211716, 0.44709099, -0.26962048]  # h1 = tanh(0.5)
# Biases 0.1 (both bias rows with reset_after=True), so the two GRU variants differ.
GRU_H = {True: [0.19340783, 0.28451152, -0.02032006], False: [0.19030013, 0.26702324, -0.07065536]}


def constant_weights(layer, bias):
    """Kernel and recurrent kernel 0.5, every bias ``bias``, in the shapes the layer has."""
    kernel, recurrent_kernel, bias_array = layer.get_weights()
    return [
        np.full_like(kernel, 0.5),
        np.full_like(recurrent_kernel, 0.5),
        np.full_like(bias_array, bias),
    ]


def test_lstm_golden_values():
    layer = keras.layers.LSTM(
        1,
        kernel_initializer=keras.initializers.Constant(0.5),
        recurrent_initializer=keras.initializers.Constant(0.5),
        bias_initializer="zeros",
        unit_forget_bias=False,
        return_sequences=True,
        return_state=True,
    )
    sequence, h, c = (np.asarray(a) for a in layer(X))
    np.testing.assert_allclose(sequence[0, :, 0], LSTM_H, atol=TOLERANCE)
    np.testing.assert_allclose([h[0, 0], c[0, 0]], [LSTM_H[-1], LSTM_C[-1]], atol=TOLERANCE)

    numpy_sequence, numpy_h, numpy_c = numpy_cells.lstm(X, constant_weights(layer, 0.0))
    np.testing.assert_allclose(numpy_sequence[0, :, 0], LSTM_H, atol=TOLERANCE)
    np.testing.assert_allclose(
        [numpy_h[0, 0], numpy_c[0, 0]], [LSTM_H[-1], LSTM_C[-1]], atol=TOLERANCE
    )


def test_lstm_first_step_by_hand():
    """The numbers in this module's docstring, from the gate equations written out."""
    gate = 1 / (1 + np.exp(-0.5))
    c1 = gate * np.tanh(0.5)
    assert c1 == pytest.approx(LSTM_C[0], abs=1e-8)
    assert gate * np.tanh(c1) == pytest.approx(LSTM_H[0], abs=1e-8)
    gates = numpy_cells.lstm_gates(
        np.array([[1.0]]),
        np.zeros((1, 1)),
        [np.full((1, 4), 0.5), np.full((1, 4), 0.5), np.zeros(4)],
    )
    assert gates["i"][0, 0] == gates["f"][0, 0] == gates["o"][0, 0] == pytest.approx(gate)
    assert gates["candidate"][0, 0] == pytest.approx(np.tanh(0.5))


def test_simple_rnn_golden_values():
    layer = keras.layers.SimpleRNN(
        1,
        kernel_initializer=keras.initializers.Constant(0.5),
        recurrent_initializer=keras.initializers.Constant(0.5),
        return_sequences=True,
    )
    np.testing.assert_allclose(np.asarray(layer(X))[0, :, 0], SIMPLE_RNN_H, atol=TOLERANCE)
    numpy_sequence, _ = numpy_cells.simple_rnn(X, constant_weights(layer, 0.0))
    np.testing.assert_allclose(numpy_sequence[0, :, 0], SIMPLE_RNN_H, atol=TOLERANCE)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_golden_values(reset_after):
    layer = keras.layers.GRU(
        1,
        kernel_initializer=keras.initializers.Constant(0.5),
        recurrent_initializer=keras.initializers.Constant(0.5),
        bias_initializer=keras.initializers.Constant(0.1),
        reset_after=reset_after,
        return_sequences=True,
    )
    np.testing.assert_allclose(np.asarray(layer(X))[0, :, 0], GRU_H[reset_after], atol=TOLERANCE)
    numpy_sequence, _ = numpy_cells.gru(X, constant_weights(layer, 0.1), reset_after=reset_after)
    np.testing.assert_allclose(numpy_sequence[0, :, 0], GRU_H[reset_after], atol=TOLERANCE)
