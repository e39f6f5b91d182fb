"""Masks, dropout masks and unrolling, measured on small layers whose weights make the
answer readable (experiment 11). Each function returns plain numbers and booleans."""

import numpy as np

from lstm_lab.backend import keras, to_numpy
from lstm_lab.claims.compare import raised
from lstm_lab.probes.states import EQUAL, largest_difference


def dropout_masks(seed, rate=0.5, steps=6, units=8, before=False):
    """A linear SimpleRNN whose kernel is the identity and recurrent kernel zero, so that its
    output at each step is the dropped-out input itself, on an input of ones in training
    mode; ``before`` puts a ``Dropout`` layer in front instead of the layer's ``dropout``.
    Whether one input mask serves every step, whether some units were dropped, and whether
    inference (``training=False``) drops nothing."""
    keras.utils.set_random_seed(seed)
    layer = keras.layers.SimpleRNN(
        units,
        activation=None,
        use_bias=False,
        return_sequences=True,
        dropout=0.0 if before else rate,
        kernel_initializer="identity",
        recurrent_initializer="zeros",
        seed=seed,
    )
    ones = np.ones((4, steps, units), dtype=np.float32)
    front = keras.layers.Dropout(rate, seed=seed) if before else None

    def call(training):
        x = front(ones, training=training) if front else ones
        return to_numpy(layer(x, training=training))

    trained = call(True)
    return {
        "one input mask serves every step": bool(np.all(trained == trained[:, :1])),
        "some inputs are dropped in training": bool(np.any(trained == 0)),
        "inference drops nothing": largest_difference(call(False), ones) <= EQUAL,
    }


def padding_sides(seed, masked=True):
    """The final output of an LSTM on two sequences of 3 steps padded with zeros to 6, once at
    the front and once at the back, with a Masking layer (or without), against the final
    output on the 3 steps alone: the largest difference for each side."""
    keras.utils.set_random_seed(seed)
    x = np.random.default_rng(seed).normal(size=(2, 3, 4)).astype(np.float32)
    zeros = np.zeros((2, 3, 4), dtype=np.float32)
    # random biases: with zero ones, zero steps at the front would leave the state at zero
    lstm = keras.layers.LSTM(5, bias_initializer="random_normal")
    alone = lstm(x)
    masking = keras.layers.Masking(0.0)
    found = {}
    sides = {"pre": np.concatenate([zeros, x], 1), "post": np.concatenate([x, zeros], 1)}
    for side, padded in sides.items():
        mask = to_numpy(masking.compute_mask(padded)) if masked else None
        found[side] = largest_difference(lstm(padded, mask=mask), alone)
    return found


def embedding_index_range(seed, vocabulary=10, input_dim=None):
    """An ``Embedding(input_dim, mask_zero=True)`` fed indices 1..``vocabulary``: what the
    call raised (None if it ran), and what the largest index read: the table row its vector
    equals, and whether it is NaN."""
    keras.utils.set_random_seed(seed)
    input_dim = input_dim or vocabulary
    layer = keras.layers.Embedding(input_dim, 3, mask_zero=True)
    ids = np.arange(1, vocabulary + 1, dtype=np.int32)[None]
    called = {}
    error = raised(lambda: called.setdefault("vectors", to_numpy(layer(ids))))
    if error:
        return {"error": error, "row": None, "nan": False}
    table = to_numpy(layer.embeddings)
    last = called["vectors"][0, -1]
    rows = [int(i) for i in range(input_dim) if np.allclose(table[i], last)]
    return {"error": None, "row": rows[0] if rows else None, "nan": bool(np.isnan(last).any())}


def unrolled(seed, steps=5):
    """``unroll=True`` against the loop, with the same weights (and, the control, on the input
    reversed in time), and ``unroll=True`` on an input of unknown length: the largest
    differences, and what building that model raised."""
    keras.utils.set_random_seed(seed)
    x = np.random.default_rng(seed).normal(size=(2, steps, 3)).astype(np.float32)
    loop = keras.layers.LSTM(4, return_sequences=True)
    unroll = keras.layers.LSTM(4, return_sequences=True, unroll=True)
    reference = loop(x)
    unroll(x)
    unroll.set_weights(loop.get_weights())
    difference = largest_difference(unroll(x), reference)
    reversed_input = largest_difference(unroll(np.ascontiguousarray(x[:, ::-1])), reference)

    def undefined_length(flag):
        inputs = keras.Input(shape=(None, 3))
        keras.Model(inputs, keras.layers.LSTM(4, unroll=flag)(inputs))

    return {
        "difference": difference,
        "on the reversed input": reversed_input,
        "unknown length, unroll=True": raised(lambda: undefined_length(True)),
        "unknown length, unroll=False": raised(lambda: undefined_length(False)),
    }


def time_distributed_mask(steps_in_mask, steps=5):
    """``TimeDistributed(Dense(2))`` called on 5 steps with a mask of ``steps_in_mask`` steps:
    None if it runs, else what it raised."""
    x = np.ones((4, steps, 3), dtype=np.float32)
    mask = np.ones((4, steps_in_mask), dtype=bool)
    layer = keras.layers.TimeDistributed(keras.layers.Dense(2))
    return raised(lambda: layer(x, mask=mask))
