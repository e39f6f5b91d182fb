"""fit() of a stateful LSTM raises: its state is assigned in place inside the graph autograd
differentiates."""

import keras
import numpy as np

model = keras.Sequential(
    [keras.Input((5, 3), batch_size=2), keras.layers.LSTM(4, stateful=True), keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
x = np.random.default_rng(0).normal(size=(6, 5, 3)).astype("float32")
try:
    model.fit(x, np.ones((6, 1), "float32"), batch_size=2, epochs=1, shuffle=False, verbose=0)
except RuntimeError as error:
    if "modified by an inplace operation" not in str(error):
        raise  # another error than this finding's: a crash, not an outcome
    print(f"reproduced: fit raised {type(error).__name__}: {str(error).splitlines()[0][:160]}")
    raise SystemExit(0)
print("not reproduced: fit of a stateful LSTM runs")
raise SystemExit(1)
