"""fit() leaves a stateful LSTM's state at zero: the state is not carried from batch to batch."""

import keras
import numpy as np

model = keras.Sequential(
    [keras.Input((5, 3), batch_size=2), keras.layers.LSTM(4, stateful=True), keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
x = np.random.default_rng(0).normal(size=(6, 5, 3)).astype("float32")
# where fit raises (torch, the finding stateful_fit_raises) there is no state to read: a crash
model.fit(x, np.ones((6, 1), "float32"), batch_size=2, epochs=1, shuffle=False, verbose=0)
largest = max(float(np.abs(keras.ops.convert_to_numpy(s)).max()) for s in model.layers[0].states)
if largest == 0.0:
    print("reproduced: after fit over 3 batches the stateful LSTM's state is all zeros")
    raise SystemExit(0)
print(f"not reproduced: the state after fit is not zero (largest |state| {largest:.3g})")
raise SystemExit(1)
