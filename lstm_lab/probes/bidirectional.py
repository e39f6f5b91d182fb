"""Where the information sits in a bidirectional or concatenated output.

Each probe returns max abs differences between tensors that should (or should not)
be equal, or a least-squares residual, so a report can show the numbers behind each verdict.
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy


def _random(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _equal(a, b):
    return a.shape == b.shape and max_abs_difference(a, b) == 0


def probe_last_output(units=4, steps=6, features=3, seed=0):
    """A plain LSTM's last output against its final h."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(steps, features))
    outputs = keras.layers.LSTM(units, return_sequences=True, return_state=True)(inputs)
    sequence, h, _ = keras.Model(inputs, outputs)(_random((2, steps, features), seed))
    return {"last output - final h": max_abs_difference(sequence[:, -1], h)}


def probe_linear_map(units=4, steps=6, features=3, sequences=256, head=None, seed=0):
    """Is an LSTM's last output a linear map of its final h? A least-squares fit of
    ``sequence[:, -1]`` from ``[h, 1]`` over ``sequences`` random inputs: its largest
    residual relative to the output's standard deviation (0 for any linear map, the identity
    included), and how far the fitted map is from the identity. ``head``: an activation; a
    ``Dense(units, activation=head)`` then makes the last output (the control: tanh)."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(steps, features))
    sequence, h, _ = keras.layers.LSTM(units, return_sequences=True, return_state=True)(inputs)
    last = sequence[:, -1]
    if head is not None:
        last = keras.layers.Dense(units, activation=head)(last)
    model = keras.Model(inputs, [last, h])
    output, h = (
        to_numpy(t).astype(np.float64) for t in model(_random((sequences, steps, features), seed))
    )
    design = np.concatenate([h, np.ones((sequences, 1))], axis=1)
    coefficients, *_ = np.linalg.lstsq(design, output, rcond=None)
    residual = output - design @ coefficients
    return {
        "relative residual": float(np.max(np.abs(residual)) / np.std(output)),
        "map - identity": max_abs_difference(coefficients[:-1], np.eye(units)),
        "bias": float(np.max(np.abs(coefficients[-1]))),
    }


def probe_bidirectional(units=4, steps=6, features=3, seed=0):
    """The halves of a Bidirectional LSTM's output, and its states' order."""
    keras.utils.set_random_seed(seed)
    x = _random((2, steps, features), seed)
    inputs = keras.Input(shape=(steps, features))
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(units, return_sequences=True, return_state=True)
    )
    model = keras.Model(inputs, layer(inputs))
    output, forward_h, forward_c, backward_h, backward_c = (to_numpy(t) for t in model(x))
    forward, backward = output[..., :units], output[..., units:]
    _, own_forward_h, own_forward_c = layer.forward_layer(x)
    _, own_backward_h, own_backward_c = layer.backward_layer(x)

    # Change every token but the last: the backward half of the last step must not move.
    changed = x.copy()
    changed[:, :-1] = _random((2, steps - 1, features), seed + 1)
    changed_output = to_numpy(model(changed)[0])
    return {
        "output width": output.shape[-1],
        "forward half, last step - forward final h": max_abs_difference(forward[:, -1], forward_h),
        "backward half, first step - backward final h": max_abs_difference(
            backward[:, 0], backward_h
        ),
        "backward half, last step - backward final h": max_abs_difference(
            backward[:, -1], backward_h
        ),
        "states [1:3] - forward layer's (h, c)": max(
            max_abs_difference(forward_h, own_forward_h),
            max_abs_difference(forward_c, own_forward_c),
        ),
        "states [3:5] - backward layer's (h, c)": max(
            max_abs_difference(backward_h, own_backward_h),
            max_abs_difference(backward_c, own_backward_c),
        ),
        "earlier tokens changed: backward half, last step moves by": max_abs_difference(
            changed_output[:, -1, units:], backward[:, -1]
        ),
        "earlier tokens changed: forward half, last step moves by": max_abs_difference(
            changed_output[:, -1, :units], forward[:, -1]
        ),
        "earlier tokens changed: backward half, first step moves by": max_abs_difference(
            changed_output[:, 0, units:], backward[:, 0]
        ),
    }


def probe_concatenation(units=4, steps=6, features=3, seed=0):
    """Two branches (B, T, u) joined along time or along features."""
    keras.utils.set_random_seed(seed)
    x = _random((2, steps, features), seed)
    inputs = keras.Input(shape=(steps, features))
    first = keras.layers.LSTM(units, return_sequences=True)(inputs)
    second = keras.layers.LSTM(units, return_sequences=True)(inputs)
    along_time = keras.layers.Concatenate(axis=1)([first, second])
    along_features = keras.layers.Concatenate(axis=-1)([first, second])
    model = keras.Model(inputs, [first, second, along_time, along_features])
    a, b, joined_time, joined_features = (to_numpy(t) for t in model(x))
    return {
        "along time: shape": list(joined_time.shape),
        "along features: shape": list(joined_features.shape),
        "along time: last step - second branch's last step": max_abs_difference(
            joined_time[:, -1], b[:, -1]
        ),
        "along time: last step - first branch's last step": max_abs_difference(
            joined_time[:, -1], a[:, -1]
        ),
        "along features: last step - both branches' last steps": max_abs_difference(
            joined_features[:, -1], np.concatenate([a[:, -1], b[:, -1]], axis=-1)
        ),
        "along time: last step is the second branch's": _equal(joined_time[:, -1], b[:, -1]),
        "along features: last step is the second branch's": _equal(
            joined_features[:, -1], b[:, -1]
        ),
    }
