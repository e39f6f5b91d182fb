"""Layers whose outputs can be read: weights set so that an output shows what happened to an
input. They take the ``keras`` module to build with, Keras 3 or Keras 2 (tf-keras), so that
the experiments and the Keras 2 probes measure the same layer; this module imports neither."""

import numpy as np


def readable_layer(keras, kind, units, **options):
    """A ``SimpleRNN`` or ``LSTM`` whose output at each step shows which of its inputs were
    dropped, on inputs of ones: no recurrence, the input reaching the output through the
    identity (an LSTM's candidate only, its forget gate shut), so a dropped input gives an
    output of exactly zero and a kept one does not. ``keras`` is Keras 3 or Keras 2."""
    layer = getattr(keras.layers, kind)(units, return_sequences=True, **options)
    layer.build((None, None, units))
    eye, zeros = np.eye(units, dtype=np.float32), np.zeros((units, units), dtype=np.float32)
    if kind == "SimpleRNN":
        layer.set_weights([eye, zeros, np.zeros(units, dtype=np.float32)])
        return layer
    shut = np.full(units, -100.0, dtype=np.float32)  # the forget gate's bias: nothing carried
    bias = np.concatenate([zeros[0], shut, zeros[0], zeros[0]])
    layer.set_weights([np.concatenate([zeros, zeros, eye, zeros], 1), np.tile(zeros, 4), bias])
    return layer
