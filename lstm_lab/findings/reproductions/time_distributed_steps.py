"""TimeDistributed returns as many steps as the batch has rows, once predict() has seen inputs
with two different numbers of steps."""

import keras
import numpy as np

inputs = keras.Input((None, 3))
model = keras.Model(inputs, keras.layers.TimeDistributed(keras.layers.Dense(2))(inputs))
shapes = [model.predict(np.zeros((2, steps, 3), "float32"), verbose=0).shape for steps in (5, 7)]
if shapes[1] != (2, 7, 2):
    print(f"reproduced: inputs of 5 then 7 steps gave outputs {shapes[0]} then {shapes[1]}")
    raise SystemExit(0)
print(f"not reproduced: inputs of 5 then 7 steps gave outputs {shapes[0]} then {shapes[1]}")
raise SystemExit(1)
