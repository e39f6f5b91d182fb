"""A stateful LSTM given initial_state starts from it at every call, whatever state it has
stored (Keras 2 used initial_state only while the stored state was zeros)."""

import keras
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(2, 7, 3)).astype("float32")
start = [rng.normal(size=(2, 4)).astype("float32") for _ in range(2)]
keras.utils.set_random_seed(0)
layer = keras.layers.LSTM(4, stateful=True)
first = keras.ops.convert_to_numpy(layer(x, initial_state=start))
stored = float(np.abs(keras.ops.convert_to_numpy(layer.states[0])).max())
second = keras.ops.convert_to_numpy(layer(x, initial_state=start))
difference = float(np.abs(second - first).max())
if difference > 1e-6:
    print(f"not reproduced: the second call differs from the first by {difference:.3g}")
    raise SystemExit(1)
print(
    f"reproduced: the second call repeats the first ({difference:.2g}), the stored state "
    f"(largest {stored:.3g}) unused"
)
raise SystemExit(0)
