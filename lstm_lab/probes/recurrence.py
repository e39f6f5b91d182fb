"""Does a trained recurrent layer use its recurrent kernel at all?

With one time step from a zero state, ``h_(t-1) = 0``, so the recurrent kernel multiplies
zeros: zeroing it cannot change any prediction.
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import to_numpy


def recurrent_kernel_effect(model, x, layer_name="lstm"):
    """Max abs change of ``model(x)`` when layer ``layer_name``'s recurrent kernel is set to
    zeros; the model's weights are restored afterwards."""
    layer = model.get_layer(layer_name)
    weights = layer.get_weights()
    kernel, recurrent_kernel, *rest = weights
    before = to_numpy(model(x))
    layer.set_weights([kernel, np.zeros_like(recurrent_kernel), *rest])
    after = to_numpy(model(x))
    layer.set_weights(weights)
    return max_abs_difference(before, after)
