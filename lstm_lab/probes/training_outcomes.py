"""What training gives, measured on small seeded runs (experiment 12): how often an LSTM with
ReLU in place of tanh diverges, and what a next-step forecast of a random walk learns.

Each function returns plain numbers and booleans."""

import numpy as np

from lstm_lab.backend import keras


def diverged(seed, activation="relu", steps=40, units=32, learning_rate=0.05, epochs=5):
    """An ``LSTM(units, activation=activation)`` and a Dense head fit with plain SGD to the
    sum of 40 steps of 4 inputs twice as wide as a standard normal: ``(whether the loss
    became NaN or infinite, the last epoch's loss)``."""
    keras.utils.set_random_seed(seed)
    x = np.random.default_rng(seed).normal(size=(64, steps, 4)).astype(np.float32) * 2
    y = x.sum(axis=(1, 2))[:, None]
    model = keras.Sequential([
        keras.Input((steps, 4)), keras.layers.LSTM(units, activation=activation),
        keras.layers.Dense(1),
    ])  # fmt: skip
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    losses = model.fit(x, y, epochs=epochs, batch_size=16, verbose=0).history["loss"]
    return not bool(np.all(np.isfinite(losses))), float(losses[-1])


def next_step_windows(seed, series, rows, window=10):
    """``rows`` windows of ``window`` steps and the step after each: from a random walk
    (``series="walk"``: a uniform start in [-1, 1], steps of standard deviation 0.1) or from
    a sine of period 12 at a random phase with noise of 0.01 (``"sine"``)."""
    rng = np.random.default_rng(seed)
    if series == "walk":
        values = rng.uniform(-1, 1, (rows, 1)) + np.cumsum(
            rng.normal(scale=0.1, size=(rows, window + 1)), 1
        )
    else:
        phase = rng.uniform(0, 2 * np.pi, (rows, 1)) + np.arange(window + 1) * 2 * np.pi / 12
        values = np.sin(phase) + rng.normal(scale=0.01, size=(rows, window + 1))
    values = values.astype(np.float32)
    return values[:, :window, None], values[:, window:]


def next_step_forecast(seed, series="walk", epochs=10):
    """An LSTM(16) fit to forecast the next step of 1,000 windows of ``series``, then
    forecasting 200 new ones: the mean absolute distance of its forecasts to the last input
    value and to the target, and the error of repeating the last value (persistence)."""
    x, y = next_step_windows(seed, series, 1000)
    new_x, new_y = next_step_windows(seed + 1, series, 200)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((x.shape[1], 1)), keras.layers.LSTM(16), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    forecast, last = model.predict(new_x, verbose=0), new_x[:, -1]
    return {
        "to the last input": float(np.abs(forecast - last).mean()),
        "to the target": float(np.abs(forecast - new_y).mean()),
        "persistence's error": float(np.abs(last - new_y).mean()),
    }
