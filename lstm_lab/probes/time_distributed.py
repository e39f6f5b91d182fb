"""Is ``TimeDistributed(Dense)`` any different from a plain ``Dense`` on a sequence? (C004-08)

In Keras 3 ``Dense`` applies to the last axis of any input, so on the (batch, steps, units)
output of an LSTM a plain ``Dense`` with the same weights gives the same numbers.
"""

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy


def time_distributed_gap(model, x, sequence_layer="lstm", head_layer="next_character"):
    """Max abs difference between ``model(x)`` and a plain ``Dense`` (with the weights of the
    ``TimeDistributed`` head ``head_layer``) applied to ``sequence_layer``'s output."""
    head = model.get_layer(head_layer)
    weights = head.get_weights()
    plain_dense = keras.layers.Dense(weights[0].shape[1], activation="softmax")
    plain_dense.build((None, None, weights[0].shape[0]))
    plain_dense.set_weights(weights)
    hidden = keras.Model(model.input, model.get_layer(sequence_layer).output)(x)
    return max_abs_difference(plain_dense(hidden), to_numpy(model(x)))
