"""A model with LSTM(unroll=True) on an input of unknown length predicts on any number of
steps, where Keras's own check refuses to unroll an undefined time dimension (TensorFlow
refuses once predict() has seen a second length)."""

import re

import keras
import numpy as np

inputs = keras.Input(shape=(None, 3))
model = keras.Model(inputs, keras.layers.LSTM(4, unroll=True)(inputs))
for steps in (5, 7, 9):
    try:
        model.predict(np.ones((2, steps, 3), "float32"), verbose=0)
    except ValueError as error:  # the documented behaviour: unrolling needs a known length
        message = " ".join(str(error).split())
        documented = re.search(
            r"Cannot unroll a RNN if the time dimension is undefined|"
            r"Unrolling requires a fixed number of timesteps",
            message,
        )
        if not documented:
            raise  # another error than the documented one: a crash, not an outcome
        print(
            f"not reproduced: predicting on {steps} steps raised ValueError ({documented.group(0)})"
        )
        raise SystemExit(1)
print("reproduced: predicted on 5, 7 and 9 steps in turn, no error")
raise SystemExit(0)
