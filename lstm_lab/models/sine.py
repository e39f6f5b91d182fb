"""The sine-wave RNN of source C003: SimpleRNN(16) with a per-step Dense(1), Adam 0.01, MSE."""

import numpy as np

from lstm_lab.backend import BACKEND, keras
from lstm_lab.training.per_backend import one_step_function
from lstm_lab.training.states import reset_rnn_states


def sine_rnn(units=16, steps=50, stateful=False, learning_rate=0.01, **clipping):
    """Batch size 1 as in the source. ``stateful=True`` carries the hidden state from one
    iteration to the next (the source's detached ``hidden_prev``: truncated back-propagation
    through time); ``stateful=False`` starts every iteration from zeros. On torch the layer is
    :class:`~lstm_lab.models.fused_simple_rnn.FusedSimpleRNN`, Keras's SimpleRNN with the
    same weights run by PyTorch's own RNN kernel in place of Keras's Python loop."""
    from lstm_lab.models.fused_simple_rnn import FusedSimpleRNN

    layer = FusedSimpleRNN if BACKEND == "torch" else keras.layers.SimpleRNN
    inputs = keras.Input(shape=(steps, 1), batch_size=1)
    x = layer(units, return_sequences=True, stateful=stateful, name="rnn")(inputs)
    outputs = keras.layers.Dense(1, name="next_value")(x)
    model = keras.Model(inputs, outputs, name="sine_rnn")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, **clipping), loss="mse")
    return model


def roll_out(model, first_value, steps=50):
    """Reset, feed ``first_value``, then each prediction back in: ``steps`` predictions."""
    units = model.get_layer("rnn").units
    one_step = sine_rnn(units, steps=1, stateful=True)
    one_step.set_weights(model.get_weights())
    step = one_step_function(one_step)
    reset_rnn_states(one_step)
    value, predictions = np.float32(first_value), []
    for _ in range(steps):
        value = np.float32(np.asarray(step(np.full((1, 1, 1), value, dtype=np.float32)))[0, 0, 0])
        predictions.append(value)
    return np.array(predictions)
