"""A stateful LSTM built for batch size 4 takes a batch of 1 without an error, broadcasting
that one row over its four stored states."""

import re

import keras
import numpy as np

model = keras.Sequential([keras.Input((5, 3), batch_size=4), keras.layers.LSTM(4, stateful=True)])
model(np.zeros((4, 5, 3), "float32"))
try:
    shape = tuple(model(np.ones((1, 5, 3), "float32")).shape)
except ValueError as error:  # the documented behaviour: the batch size is fixed
    message = " ".join(str(error).split())
    documented = re.search(r"Expected batch size: 4\b.*Received batch size: 1\b", message)
    if not documented:
        raise  # another error than the documented one: a crash, not an outcome
    print(f"not reproduced: a batch of 1 raised ValueError ({documented.group(0)})")
    raise SystemExit(1)
print(f"reproduced: a batch of 1 gave an output of shape {shape} and no error")
raise SystemExit(0)
