"""The stock-volume LSTM of source C001 in Keras."""

from lstm_lab.backend import keras, to_numpy
from lstm_lab.training.loops import compiled_fit


def stock_volume_lstm(features=5, window=1, hidden=2, learning_rate=1e-3):
    """LSTM(hidden) -> final h -> ReLU -> Dense(128) -> ReLU -> Dense(1); MSE, Adam(1e-3).

    The source's PyTorch model has the same layers; its nn.LSTM adds a second bias vector
    (bias_hh), 4 x hidden numbers that are redundant with the first. ``window=None`` takes
    sequences of any length.
    """
    inputs = keras.Input(shape=(window, features), name="prices")
    x = keras.layers.LSTM(hidden, name="lstm")(inputs)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Dense(128, activation="relu", name="fc_1")(x)
    outputs = keras.layers.Dense(1, name="volume")(x)
    model = keras.Model(inputs, outputs, name="stock_volume_lstm")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def pytorch_parameter_count(features=5, hidden=2):
    """The source's PyTorch model: nn.LSTM (weights + bias_ih + bias_hh), fc_1, fc."""
    lstm = 4 * hidden * (features + hidden) + 2 * 4 * hidden
    return lstm + (hidden * 128 + 128) + (128 + 1)


def layer_parameters(model):
    """``[(layer class, parameters)]`` for each layer of ``model`` as Keras counts them (its
    input left out)."""
    return [
        (type(layer).__name__, int(layer.count_params()))
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]


def train_and_predict_volume(data, epochs, seed):
    """Full-batch Adam for ``epochs`` on :func:`lstm_lab.data.stocks.scaled_split` data (the
    seed's loop; 0: the model as initialised). Returns Volume predicted for every day, the
    losses and the trained model."""
    keras.utils.set_random_seed(seed)
    model = stock_volume_lstm(window=data["window"])
    history = {"loss": []}
    if epochs:
        history = compiled_fit(
            model, data["x_train"], data["y_train"], epochs=epochs, batch_size=len(data["x_train"])
        )
    scaled = to_numpy(model(data["x_all"]))
    return data["volume_scaler"].inverse_transform(scaled)[:, 0], history["loss"], model
