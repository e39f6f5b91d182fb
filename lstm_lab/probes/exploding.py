"""Exploding gradients made visible: a SimpleRNN whose recurrent weights
start large (orthogonal, gain 4) trained by SGD (0.1) on the sine task, recording the loss and
the gradients' joint norm at every step, with and without clipping."""

import numpy as np

from lstm_lab.backend import BACKEND, keras
from lstm_lab.data.sine import training_windows
from lstm_lab.training.per_backend import sgd_steps_recording_norms


def train_recording(steps=300, gain=4.0, learning_rate=0.1, seed=0, **clipping):
    """Losses and (unclipped) global gradient norms of ``steps`` SGD steps, one window each.
    Without clipping the loss can overflow to inf or NaN; those count as spikes."""
    from lstm_lab.models.fused_simple_rnn import FusedSimpleRNN

    keras.utils.set_random_seed(seed)
    layer = FusedSimpleRNN if BACKEND == "torch" else keras.layers.SimpleRNN  # as sine_rnn
    inputs = keras.Input(shape=(50, 1), batch_size=1)
    hidden = layer(
        16, return_sequences=True, recurrent_initializer=keras.initializers.Orthogonal(gain=gain)
    )(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    optimizer = keras.optimizers.SGD(learning_rate, **clipping)
    x, y, _ = training_windows(steps, seed)

    return sgd_steps_recording_norms(model, optimizer, x, y)


def largest_loss(losses):
    """The largest loss of a run; ``inf`` if any loss overflowed to inf or NaN (the largest
    spike of all)."""
    losses = np.asarray(losses)
    return float("inf") if not np.all(np.isfinite(losses)) else float(losses.max())
