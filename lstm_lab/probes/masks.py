"""Masks, dropout masks and unrolling, measured on small layers whose weights make the
answer readable (experiment 11). Each function returns plain numbers and booleans."""

import numpy as np

from lstm_lab.backend import keras, to_numpy
from lstm_lab.claims.compare import raised
from lstm_lab.probes.readable import readable_layer
from lstm_lab.probes.states import EQUAL, largest_difference


def dropout_masks(seed, rate=0.5, steps=6, units=8, before=False):
    """A :func:`readable_layer` SimpleRNN and LSTM with ``dropout=rate`` on an input of ones,
    in training mode; ``before`` puts a ``Dropout`` layer in front instead of the layers'
    ``dropout``. For each layer whether one input mask serves every step; whether some inputs
    were dropped, and whether inference (``training=False``) drops nothing."""
    keras.utils.set_random_seed(seed)
    ones = np.ones((4, steps, units), dtype=np.float32)
    found, dropped, inference = {}, [], []
    for kind in ("SimpleRNN", "LSTM"):
        layer = readable_layer(keras, kind, units, dropout=0.0 if before else rate, seed=seed)
        front = keras.layers.Dropout(rate, seed=seed) if before else None

        def call(training, layer=layer, front=front):
            x = front(ones, training=training) if front else ones
            return np.abs(to_numpy(layer(x, training=training))) <= EQUAL

        zero = call(True)
        found[f"{kind}: one input mask serves every step"] = bool(np.all(zero == zero[:, :1]))
        dropped.append(bool(zero.any()))
        inference.append(not call(False).any())
    found["some inputs are dropped in training"] = all(dropped)
    found["inference drops nothing"] = all(inference)
    return found


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

    return {"difference": difference, "on the reversed input": reversed_input}


def unknown_length(unroll=True, lengths=(5, 7, 9)):
    """A model ``LSTM(4, unroll=unroll)`` built on ``Input(shape=(None, 3))``, then predicting
    on sequences of each of ``lengths`` in turn: ``(what raised first or None, the steps it
    was predicting on then: None at the build)``."""
    inputs = keras.Input(shape=(None, 3))
    model = {}
    error = raised(lambda: model.setdefault("m", keras.Model(inputs, keras.layers.LSTM(
        4, unroll=unroll)(inputs))))  # fmt: skip
    if error:
        return error, None
    for steps in lengths:
        x = np.ones((2, steps, 3), dtype=np.float32)
        error = raised(lambda x=x: model["m"].predict(x, verbose=0))
        if error:
            return error, steps
    return None, None


def time_distributed_mask(steps_in_mask, steps=5):
    """``TimeDistributed(Dense(2))`` called on 5 steps with a mask of ``steps_in_mask`` steps:
    None if it runs, else what it raised."""
    x = np.ones((4, steps, 3), dtype=np.float32)
    mask = np.ones((4, steps_in_mask), dtype=bool)
    layer = keras.layers.TimeDistributed(keras.layers.Dense(2))
    return raised(lambda: layer(x, mask=mask))
