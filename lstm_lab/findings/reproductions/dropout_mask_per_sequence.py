"""An LSTM's input dropout keeps one mask for every step of a sequence (Keras 2's LSTM drew
a new mask at every step)."""

import keras
import numpy as np

units = 8
keras.utils.set_random_seed(0)
layer = keras.layers.LSTM(units, dropout=0.5, return_sequences=True)
layer.build((None, None, units))
eye, zeros = np.eye(units, dtype="float32"), np.zeros((units, units), "float32")
# the input reaches h through the candidate alone, the forget gate shut: a dropped input
# gives h = 0 exactly at that step, a kept one does not
bias = np.concatenate([zeros[0], np.full(units, -100.0, "float32"), zeros[0], zeros[0]])
layer.set_weights([np.concatenate([zeros, zeros, eye, zeros], 1), np.tile(zeros, 4), bias])
h = keras.ops.convert_to_numpy(layer(np.ones((4, 6, units), "float32"), training=True))
dropped = np.abs(h) <= 1e-6
if not dropped.any():
    raise RuntimeError("nothing was dropped at rate 0.5: the probe cannot tell")  # a crash
per_step = int((dropped != dropped[:, :1]).any(axis=(0, 2)).sum())
if per_step:
    print(f"not reproduced: the dropped inputs change at {per_step} of 5 later steps")
    raise SystemExit(1)
print(f"reproduced: the same {int(dropped[:, 0].sum())} of 32 inputs dropped at all 6 steps")
raise SystemExit(0)
