"""Keras's recurrent layers against the NumPy equations of :mod:`lstm_lab.references.numpy_cells`.

- :func:`compare_with_reference`: SimpleRNN, GRU (both reset modes) and
  LSTM with random weights over a sequence, Keras against NumPy.
- :func:`probe_forced_gates`: force an LSTM's gates open or shut through
  the bias and watch the memory.

A bias of +50 makes a sigmoid gate 1 and −50 makes it 0 (exactly, in float32),
whatever the input. One step of a Keras ``LSTM`` from a given (h, c) then shows:

- f = 0, i = 1: the memory is replaced by the candidate c̃ = tanh(x W_c + h U_c + b_c),
  which still depends on the previous h (source C002 says so too);
- f = 1, i = 0: the memory is copied unchanged.
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy
from lstm_lab.references import numpy_cells

SATURATE = 50.0


def _random_weights(layer, rng):
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    )


def compare_with_reference(units=3, steps=7, features=5, batch=4, seed=0, activation="tanh"):
    """Max abs difference between each Keras layer's sequence output and NumPy's. The NumPy
    equations use tanh; ``activation`` is the Keras layers' (the control: "relu",
    layers the equations do not describe)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    sequences = {"return_sequences": True, "activation": activation}
    cases = {
        "SimpleRNN": (keras.layers.SimpleRNN(units, **sequences), numpy_cells.simple_rnn),
        "GRU (reset_after=True)": (
            keras.layers.GRU(units, reset_after=True, **sequences),
            lambda x, w: numpy_cells.gru(x, w, reset_after=True),
        ),
        "GRU (reset_after=False)": (
            keras.layers.GRU(units, reset_after=False, **sequences),
            lambda x, w: numpy_cells.gru(x, w, reset_after=False),
        ),
        "LSTM": (keras.layers.LSTM(units, **sequences), numpy_cells.lstm),
    }
    differences = {}
    for name, (layer, numpy_layer) in cases.items():
        layer(x)  # build
        _random_weights(layer, rng)
        expected = numpy_layer(x, layer.get_weights())[0]
        differences[name] = max_abs_difference(layer(x), expected)
    return differences


def one_lstm_step(weights, x, h0, c0):
    """One step of a Keras LSTM with these weights from state (h0, c0); returns c_t."""
    inputs = keras.Input(shape=(1, x.shape[-1]))
    state_h, state_c = keras.Input(shape=(h0.shape[-1],)), keras.Input(shape=(c0.shape[-1],))
    layer = keras.layers.LSTM(h0.shape[-1], return_state=True)
    _, _, c = layer(inputs, initial_state=[state_h, state_c])
    model = keras.Model([inputs, state_h, state_c], c)
    layer.set_weights(weights)
    return to_numpy(model([x[:, None, :], h0, c0]))


def forced_gate_weights(kernel, recurrent_kernel, forget, write, saturate=SATURATE):
    """Weights whose bias pins the forget gate to ``forget`` and the input gate to ``write``
    (``saturate=0``: a zero bias, which leaves the gates to the weights)."""
    units = recurrent_kernel.shape[0]
    bias = np.zeros(4 * units, dtype=np.float32)
    bias[:units] = saturate if write else -saturate  # input gate i
    bias[units : 2 * units] = saturate if forget else -saturate  # forget gate f
    return [kernel, recurrent_kernel, bias]


def probe_forced_gates(units=3, features=2, seed=0, saturate=SATURATE):
    """One Keras LSTM step with the gates forced through a bias of ±``saturate``: max abs
    differences of the new memory from the candidate and from the old memory.
    ``saturate=0`` (the control) forces nothing."""
    rng = np.random.default_rng(seed)
    kernel = rng.normal(scale=0.5, size=(features, 4 * units)).astype(np.float32)
    recurrent_kernel = rng.normal(scale=0.5, size=(units, 4 * units)).astype(np.float32)
    x = rng.normal(size=(1, features)).astype(np.float32)
    h0, other_h0, c0 = (rng.normal(size=(1, units)).astype(np.float32) for _ in range(3))

    clear = forced_gate_weights(kernel, recurrent_kernel, False, True, saturate)
    copy = forced_gate_weights(kernel, recurrent_kernel, True, False, saturate)
    candidate = numpy_cells.lstm_gates(x, h0, clear)["candidate"]
    c_cleared = one_lstm_step(clear, x, h0, c0)
    c_cleared_other_h = one_lstm_step(clear, x, other_h0, c0)
    c_copied = one_lstm_step(copy, x, h0, c0)
    return {
        "f=0, i=1: c_t - candidate": max_abs_difference(c_cleared, candidate),
        "f=0, i=1: c_t - c_(t-1)": max_abs_difference(c_cleared, c0),
        "f=0, i=1: c_t change when h_(t-1) changes": max_abs_difference(
            c_cleared_other_h, c_cleared
        ),
        "f=1, i=0: c_t - c_(t-1)": max_abs_difference(c_copied, c0),
    }
