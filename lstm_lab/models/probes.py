"""Tiny models for looking at what a recurrent layer returns."""

from lstm_lab.backend import keras

LAYERS = {"SimpleRNN": keras.layers.SimpleRNN, "GRU": keras.layers.GRU, "LSTM": keras.layers.LSTM}


def recurrent_probe(kind="LSTM", units=1, steps=3, features=1, **flags):
    """``Input(shape=(steps, features)) -> kind(units, **flags)`` as a functional model."""
    inputs = keras.Input(shape=(steps, features))
    layer = LAYERS[kind](units, name=kind.lower(), **flags)
    return keras.Model(inputs, layer(inputs), name=f"{kind.lower()}_probe")
