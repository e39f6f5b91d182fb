"""Does a ``TimeDistributed(Dense)`` head give a plain ``Dense``'s output at every step?

In Keras 3 ``Dense`` applies to the last axis of any input, so on the (batch, steps, units)
output of an LSTM a plain ``Dense`` with the same weights gives the same numbers. On
TensorFlow, from the release findings.toml's ``time_distributed_steps`` names, a
``TimeDistributed`` layer that sees an unknown number of steps returns one step per batch row
once ``predict()`` has seen inputs with two different numbers of steps (results/findings.md),
so the probe asks both of a call and of ``predict()`` after two step counts.
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy

EQUAL = 1e-6  # float32 round-off: TimeDistributed reshapes the batch before its matmul


def per_step_outputs(model, x, short_steps, sequence_layer="lstm", head_layer="next_character"):
    """Whether ``model`` gives one softmax per step of ``x`` (batch, steps), equal within
    :data:`EQUAL` to a plain ``Dense`` with its head's weights on ``sequence_layer``'s output:
    when called on ``x``, and from ``predict()`` on ``x`` then on its first ``short_steps``
    steps. Returns ``(those four booleans by name, the shapes and differences in words)``.
    ``predict()`` traces the model: it keeps what it traced for later calls to ``predict()``."""
    weights = model.get_layer(head_layer).get_weights()
    plain_dense = keras.layers.Dense(weights[0].shape[1], activation="softmax")
    plain_dense.build((None, None, weights[0].shape[0]))
    plain_dense.set_weights(weights)
    sequences = keras.Model(model.input, model.get_layer(sequence_layer).output)
    short = x[:, :short_steps]
    model.predict(x, verbose=0)  # the first step count predict() sees
    outputs = {
        "called": (x, to_numpy(model(x))),
        "predict": (short, model.predict(short, verbose=0)),
    }
    result, details = {}, []
    for way, (inputs, output) in outputs.items():
        expected = to_numpy(plain_dense(sequences(inputs)))
        per_step = np.shape(output) == expected.shape and np.ndim(output) == 3
        gap = max_abs_difference(output, expected) if per_step else float("inf")
        name = "called" if way == "called" else "after predict() has seen two step counts"
        result[f"a softmax per step, {name}"] = bool(per_step)
        result[f"equal to a plain Dense at every step, {name}"] = bool(gap <= EQUAL)
        gap_text = f"max abs difference {gap:.3g}" if per_step else "not an output per step"
        details.append(
            f"{name}: output {np.shape(output)} for input {inputs.shape}, "
            f"plain Dense {expected.shape}, {gap_text}"
        )
    return result, "; ".join(details)
