"""A character-level text generator: the setup source C004's answer sketches.

characters -> Embedding -> LSTM(return_sequences=True) -> TimeDistributed(Dense(vocab, softmax)),
trained on windows whose targets are the inputs shifted by one character.
"""

import numpy as np

from lstm_lab.backend import BACKEND, keras
from lstm_lab.training.per_backend import one_step_function
from lstm_lab.training.states import reset_rnn_states


def char_generator(
    vocabulary_size,
    embedding_dim=32,
    units=256,
    batch_size=None,
    stateful=False,
    time_distributed=True,
    return_sequences=True,
):
    """The generator; ``stateful=True`` with ``batch_size=1`` gives the one-step generation copy.
    The TimeDistributed claim's controls: ``time_distributed=False``, a plain ``Dense`` head
    with the same weights; with ``return_sequences=False`` as well, one softmax per sequence,
    not per step.

    Compiled without XLA, because the last, smaller batch of every epoch has a new shape that
    XLA would compile again. On torch the LSTM is a
    :class:`~lstm_lab.models.projected_lstm.ProjectedInputLSTM`, Keras's LSTM with the same
    weights whose loop runs in PyTorch's fused LSTM kernel, since Keras's torch LSTM on a CPU
    loops over the steps in Python.

    On TensorFlow the head is an :class:`UnstackedTimeDistributed`: Keras's wrapper with the
    same numbers bit for bit and a backward pass of one ``stack`` instead of a sum per step.
    """
    from lstm_lab.models.projected_lstm import ProjectedInputLSTM
    from lstm_lab.models.unstacked_time_distributed import UnstackedTimeDistributed

    inputs = keras.Input(shape=(None,), batch_size=batch_size, dtype="int32", name="characters")
    x = keras.layers.Embedding(vocabulary_size, embedding_dim, name="embedding")(inputs)
    layer = ProjectedInputLSTM if BACKEND == "torch" else keras.layers.LSTM
    lstm = layer(units, return_sequences=return_sequences, stateful=stateful, name="lstm")
    x = lstm(x)
    dense = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_character")
    if time_distributed:
        wrapper = (
            UnstackedTimeDistributed if BACKEND == "tensorflow" else keras.layers.TimeDistributed
        )
        dense = wrapper(dense, name="next_character")
    outputs = dense(x)
    model = keras.Model(inputs, outputs, name="char_generator")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def stateful_copy(model):
    """A stateful batch-1 model with the trained weights, for generating one character at a time."""
    embedding, lstm = model.get_layer("embedding"), model.get_layer("lstm")
    copy = char_generator(
        embedding.input_dim, embedding.output_dim, lstm.units, batch_size=1, stateful=True
    )
    copy.set_weights(model.get_weights())
    return copy


class KerasOneStep:
    """One character at a time through a stateful batch-1 Keras copy (:func:`stateful_copy`):
    ``reset()``, then ``step(id)`` gives the next character's probabilities."""

    def __init__(self, stateful_model):
        self.model = stateful_model
        self._call = one_step_function(stateful_model)

    def reset(self):
        reset_rnn_states(self.model)

    def step(self, character_id):
        probabilities = self._call(np.array([[character_id]], dtype=np.int32))
        return np.asarray(probabilities, dtype=np.float32)[0, 0]


class NumpyOneStep:
    """The same step in float32 NumPy, from the trained model's weights, on any backend.

    A Keras call costs about a millisecond of dispatch for 0.3 MFLOP of arithmetic; here the
    step is the arithmetic. Each character's input term (embedding row times the kernel, plus
    the bias) is looked up from a table computed once, so a step is one (units x 4 units)
    matrix-vector product, the gates (Keras's order i, f, c, o), and the softmax layer.
    It gives the Keras step's probabilities to float32 rounding (``tests/test_char_generator.py``).
    """

    def __init__(self, model):
        embedding = model.get_layer("embedding").get_weights()[0]
        kernel, recurrent_kernel, bias = model.get_layer("lstm").get_weights()
        dense_kernel, dense_bias = model.get_layer("next_character").get_weights()
        u = self.units = recurrent_kernel.shape[0]
        # Keras's gate columns i, f, c, o reordered to i, f, o, c: one sigmoid, one tanh
        order = np.r_[0 : 2 * u, 3 * u : 4 * u, 2 * u : 3 * u]
        self.input_terms = np.ascontiguousarray((embedding @ kernel + bias)[:, order], np.float32)
        self.recurrent_kernel = np.ascontiguousarray(recurrent_kernel[:, order], np.float32)
        self.dense_kernel = np.asarray(dense_kernel, dtype=np.float32)
        self.dense_bias = np.asarray(dense_bias, dtype=np.float32)
        self._z = np.empty(4 * u, dtype=np.float32)
        self.reset()

    def reset(self):
        self.h = np.zeros(self.units, dtype=np.float32)
        self.c = np.zeros(self.units, dtype=np.float32)

    def step(self, character_id):
        u, z = self.units, self._z
        np.dot(self.h, self.recurrent_kernel, out=z)
        z += self.input_terms[character_id]
        gates = z[: 3 * u]  # sigmoid in place: 1 / (1 + exp(-x))
        np.negative(gates, out=gates)
        np.exp(gates, out=gates)
        gates += 1.0
        np.reciprocal(gates, out=gates)
        self.c *= gates[u : 2 * u]
        self.c += gates[:u] * np.tanh(z[3 * u :])
        self.h = gates[2 * u :] * np.tanh(self.c)
        logits = self.h @ self.dense_kernel
        logits += self.dense_bias
        logits -= logits.max()
        np.exp(logits, out=logits)
        logits /= logits.sum()
        return logits


def one_step_probabilities(stateful_model, ids, reset_every_step=False):
    """Reset, then feed ``ids`` one at a time; the probabilities after each, (len(ids), vocab).
    ``reset_every_step``: zero the state before every character as well (the control: no
    state carried, so each step sees one character alone)."""
    stepper = KerasOneStep(stateful_model)
    stepper.reset()
    rows = []
    for i in ids:
        if reset_every_step:
            stepper.reset()
        rows.append(stepper.step(i))
    stepper.reset()
    return np.stack(rows)


def sample(generator, vocabulary, prompt, length, temperature, seed=0):
    """Prime the state with ``prompt``, then draw ``length`` characters at ``temperature``.
    ``generator``: a stateful batch-1 Keras copy, or a :class:`KerasOneStep` or
    :class:`NumpyOneStep`."""
    stepper = generator if hasattr(generator, "step") else KerasOneStep(generator)
    rng = np.random.default_rng(seed)
    stepper.reset()
    for i in vocabulary.encode(prompt[:-1]):
        stepper.step(i)
    current, drawn = vocabulary.encode(prompt[-1:])[0], []
    for _ in range(length):
        probabilities = np.asarray(stepper.step(current), dtype=np.float64)
        logits = np.log(np.maximum(probabilities, 1e-12)) / temperature
        weights = np.exp(logits - logits.max())
        current = rng.choice(len(weights), p=weights / weights.sum())
        drawn.append(current)
    stepper.reset()
    return vocabulary.decode(drawn)
