"""The stateful layers of a model, and their reset (Keras 3's ``model.reset_states()``)."""

from lstm_lab.backend import keras


def stateful_layers(model):
    """The stateful RNN layers of a model, looking inside nested models."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += stateful_layers(layer)
        elif getattr(layer, "stateful", False):
            found.append(layer)
    return found


def reset_rnn_states(model):
    """Zero the state of every stateful layer (Keras 3's ``model.reset_states()``)."""
    for layer in stateful_layers(model):
        layer.reset_state()
