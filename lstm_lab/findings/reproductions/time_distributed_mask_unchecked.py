"""TimeDistributed takes a mask with more steps than its input without an error."""

import re

import keras
import numpy as np

layer = keras.layers.TimeDistributed(keras.layers.Dense(2))
x, mask = np.ones((4, 5, 3), "float32"), np.ones((4, 6), bool)
try:
    shape = tuple(layer(x, mask=mask).shape)
except ValueError as error:  # the documented behaviour: the mask must match the input's steps
    message = " ".join(str(error).split())
    documented = re.search(  # the message since Keras 3.14, and before it on JAX and torch
        r"The `mask` passed to the `TimeDistributed` layer has a shape|"
        r"`TimeDistributed` Layer should be passed a `mask` of shape",
        message,
    )
    if not documented:
        raise  # another error than the documented one: a crash, not an outcome
    print(f"not reproduced: a mask of 6 steps on 5 raised ValueError ({documented.group(0)})")
    raise SystemExit(1)
print(f"reproduced: a mask of 6 steps on an input of 5 gave an output of shape {shape}, no error")
raise SystemExit(0)
