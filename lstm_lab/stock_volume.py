"""The seed 001 pipeline: scale, split 200 / 53, train, predict Volume; and its baselines.

``scale_on="all"`` fits the scalers on every row before the split, as the seed does;
``"train"`` fits them on the training rows only. ``window`` > 1 feeds the model the
last ``window`` days of prices instead of one.
"""

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from lstm_lab.backend import keras
from lstm_lab.data.stocks import FEATURES, TARGET, look_back_windows
from lstm_lab.models.stock import stock_volume_lstm
from lstm_lab.training import compiled_fit

TRAIN_ROWS = 200


def prepare(frame, window=1, scale_on="all", train_rows=TRAIN_ROWS):
    features = frame[FEATURES].to_numpy()
    volume = frame[[TARGET]].to_numpy()
    fit_rows = slice(None) if scale_on == "all" else slice(0, train_rows)
    feature_scaler = StandardScaler().fit(features[fit_rows])
    volume_scaler = MinMaxScaler().fit(volume[fit_rows])
    x, y, days = look_back_windows(
        feature_scaler.transform(features).astype(np.float32),
        volume_scaler.transform(volume).astype(np.float32),
        window,
    )
    train = days < train_rows
    return {
        "x_train": x[train], "y_train": y[train], "x_test": x[~train], "y_test": y[~train],
        "x_all": x, "days": days, "volume_scaler": volume_scaler, "window": window,
    }


def train_and_predict(data, epochs, seed):
    """Full-batch Adam for ``epochs`` (the seed's loop); predicted Volume for every day."""
    keras.utils.set_random_seed(seed)
    model = stock_volume_lstm(window=data["window"])
    history = compiled_fit(model, data["x_train"], data["y_train"], epochs=epochs, batch_size=len(data["x_train"]))
    scaled = np.asarray(model(data["x_all"]))
    return data["volume_scaler"].inverse_transform(scaled)[:, 0], history["loss"], model


def baselines(frame, train_rows=TRAIN_ROWS):
    """Volume predicted for every day by the training mean, yesterday's volume, and a
    linear regression on the same five prices (fit on the training rows)."""
    volume = frame[TARGET].to_numpy()
    features = frame[FEATURES].to_numpy()
    regression = LinearRegression().fit(features[:train_rows], volume[:train_rows])
    return {
        "training mean": np.full(len(volume), volume[:train_rows].mean()),
        "previous day's volume": np.concatenate([[volume[0]], volume[:-1]]),
        "linear regression on the 5 prices": regression.predict(features),
    }


def errors(predicted, actual):
    difference = np.asarray(predicted, dtype=np.float64) - np.asarray(actual, dtype=np.float64)
    return {"rmse": float(np.sqrt(np.mean(difference**2))), "mae": float(np.mean(np.abs(difference)))}
