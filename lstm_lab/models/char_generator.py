"""A character-level text generator: the setup the seed 004 answer sketches (claim C004-08).

characters -> Embedding -> LSTM(return_sequences=True) -> TimeDistributed(Dense(vocab, softmax)),
trained on windows whose targets are the inputs shifted by one character.
"""

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.compiled import one_step_function
from lstm_lab.training import reset_rnn_states


def char_generator(vocabulary_size, embedding_dim=32, units=256, batch_size=None, stateful=False):
    """The generator; ``stateful=True`` with ``batch_size=1`` gives the one-step generation copy.

    Compiled without XLA: unlike the IMDb model, XLA made it slower here (22.7 s against
    7.3 s an epoch on Alice, LSTM(256)), since the last, smaller batch of every epoch
    has a new shape and is compiled again.
    """
    inputs = keras.Input(shape=(None,), batch_size=batch_size, dtype="int32", name="characters")
    x = keras.layers.Embedding(vocabulary_size, embedding_dim, name="embedding")(inputs)
    x = keras.layers.LSTM(units, return_sequences=True, stateful=stateful, name="lstm")(x)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(vocabulary_size, activation="softmax"), name="next_character"
    )(x)
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


def one_step_probabilities(stateful_model, ids):
    """Reset, then feed ``ids`` one at a time; the probabilities after each, (len(ids), vocab)."""
    step = one_step_function(stateful_model)
    reset_rnn_states(stateful_model)
    rows = [np.asarray(step(np.array([[i]], dtype=np.int32)))[0, 0] for i in ids]
    reset_rnn_states(stateful_model)
    return np.stack(rows)


def sample(stateful_model, vocabulary, prompt, length, temperature, seed=0):
    """Prime the state with ``prompt``, then draw ``length`` characters at ``temperature``."""
    rng = np.random.default_rng(seed)
    step = one_step_function(stateful_model)
    reset_rnn_states(stateful_model)
    for i in vocabulary.encode(prompt[:-1]):
        step(np.array([[i]], dtype=np.int32))
    current, drawn = vocabulary.encode(prompt[-1:])[0], []
    for _ in range(length):
        probabilities = np.asarray(step(np.array([[current]], dtype=np.int32)), dtype=np.float64)[
            0, 0
        ]
        logits = np.log(np.maximum(probabilities, 1e-12)) / temperature
        weights = np.exp(logits - logits.max())
        current = rng.choice(len(weights), p=weights / weights.sum())
        drawn.append(current)
    reset_rnn_states(stateful_model)
    return vocabulary.decode(drawn)
