"""Tiny models for looking at what a recurrent layer returns."""

from lstm_lab.backend import keras, to_numpy


def recurrent_probe(kind="LSTM", units=1, steps=3, features=1, **flags):
    """``Input(shape=(steps, features)) -> kind(units, **flags)`` as a functional model."""
    inputs = keras.Input(shape=(steps, features))
    layer = getattr(keras.layers, kind)(units, name=kind.lower(), **flags)
    return keras.Model(inputs, layer(inputs), name=f"{kind.lower()}_probe")


def outputs_of(model, x):
    """The model's outputs on ``x`` as a list of NumPy arrays, also for a single output.

    A direct call rather than ``model.predict``: the same computation (and the same input
    rank adjustment) without compiling a predict function for each tiny model.
    """
    result = model(x)
    if isinstance(result, (list, tuple)):
        return [to_numpy(a) for a in result]
    return [to_numpy(result)]


def share_weights(models):
    """Give every model the weights of the first (they must have the same layers)."""
    models = list(models)
    for model in models[1:]:
        model.set_weights(models[0].get_weights())
