"""Models for the alphabet task: the tutorial's stateful LSTM and a feed-forward baseline."""

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.data.alphabet import N_LETTERS, STEPS, encode
from lstm_lab.training.per_backend import one_step_function
from lstm_lab.training.states import reset_rnn_states


def stateful_alphabet_lstm(units=50, batch_size=1, unroll=True):
    """The tutorial's model on Keras 3: a stateful ``LSTM(units)`` fed one letter per batch,
    then ``Dense(26, softmax)``; Adam and categorical cross-entropy as in the tutorial.

    Keras 2 wrote ``LSTM(units, batch_input_shape=(batch_size, 1, 1), stateful=True)``;
    Keras 3 takes the batch size from ``keras.Input(..., batch_size=...)``.
    ``unroll=True`` only changes how the single time step is computed (no while
    loop); the result is identical and each training step is cheaper.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(1, 1), batch_size=batch_size),
            keras.layers.LSTM(units, stateful=True, unroll=unroll, name="lstm"),
            keras.layers.Dense(N_LETTERS, activation="softmax", name="next_letter"),
        ],
        name=f"stateful_lstm{units}_batch{batch_size}",
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def with_batch_size(model, batch_size):
    """A copy of a :func:`stateful_alphabet_lstm` model with the same weights and another
    batch size (a stateful layer's batch size is fixed when it is built)."""
    lstm = model.get_layer("lstm")
    copy = stateful_alphabet_lstm(lstm.units, batch_size=batch_size, unroll=lstm.unroll)
    copy.set_weights(model.get_weights())
    return copy


def next_letter_dense(learning_rate=0.1):
    """A plain feed-forward network for one-hot (letter, next letter) pairs: one softmax layer."""
    model = keras.Sequential(
        [
            keras.Input(shape=(N_LETTERS,)),
            keras.layers.Dense(N_LETTERS, activation="softmax", name="next_letter"),
        ],
        name="dense_next_letter",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def free_running(model, start, steps=STEPS, step=None):
    """Reset the states, feed letter ``start``, then feed each prediction back in.

    ``model`` must have batch size 1. Returns the ``steps`` predicted letter indices.
    """
    step = step or one_step_function(model)
    reset_rnn_states(model)
    predictions, current = [], start
    for _ in range(steps):
        current = int(np.argmax(step(encode([current]))))
        predictions.append(current)
    reset_rnn_states(model)
    return np.array(predictions)


def free_running_grid(model, steps=STEPS):
    """Predictions from every start letter: an int array (26 start letters, ``steps``).

    The 26 starts run as the 26 rows of one batch in a copy of the model: rows never
    mix, so row ``s`` is exactly :func:`free_running` from letter ``s`` (tested), in
    ``steps`` calls instead of ``26 x steps``.
    """
    grid_model = with_batch_size(model, N_LETTERS)
    step = one_step_function(grid_model)
    reset_rnn_states(grid_model)
    current, predictions = np.arange(N_LETTERS), []
    for _ in range(steps):
        current = np.argmax(step(encode(current)), axis=-1)
        predictions.append(current)
    return np.stack(predictions, axis=1)
