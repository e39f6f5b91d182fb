"""What ``stateful=True`` does on the installed Keras, measured.

Each probe builds small LSTM layers with the same weights, feeds them random sequences and
returns the largest absolute differences between outputs (or what a call raised), for the
claim's configuration and for its control, so a report can show the numbers behind each
verdict.
"""

from functools import partial

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy
from lstm_lab.claims.compare import raised
from lstm_lab.training.states import reset_rnn_states


def lstm_model(units, steps, features, *, stateful, batch_size=None, seed=0):
    """``Input -> LSTM(return_sequences=True)`` with weights drawn from ``seed``."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(steps, features), batch_size=batch_size)
    outputs = keras.layers.LSTM(units, stateful=stateful, return_sequences=True)(inputs)
    return keras.Model(inputs, outputs)


def _random_sequences(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def probe_carry_over(stateful, units=8, batch_size=2, steps=5, features=3, seed=0):
    """Call a layer (stateful or not, weights drawn from ``seed``) twice on the same
    batch, then once more after ``reset_state()``."""
    x = _random_sequences((batch_size, steps, features), seed)
    model = lstm_model(units, steps, features, stateful=stateful, batch_size=batch_size, seed=seed)
    first, second = model(x), model(x)
    reset_rnn_states(model)
    after_reset = model(x)
    return {
        "second call - first call": max_abs_difference(second, first),
        "after reset_state() - first call": max_abs_difference(after_reset, first),
    }


def probe_rows_continue(batch_size=4, length=12, chunk=4, units=8, features=3, seed=1):
    """Four independent sequences fed in chunks to a stateful layer with batch size 4.

    Row i of every chunk continues row i of the previous chunk, so the chunked
    outputs equal one stateless pass over the whole sequences. Shuffling the
    rows of the later chunks breaks that, which shows the pairing is by position.
    """
    x = _random_sequences((batch_size, length, features), seed)
    whole = lstm_model(units, length, features, stateful=False, seed=seed)
    chunked = lstm_model(units, chunk, features, stateful=True, batch_size=batch_size, seed=seed)
    chunked.set_weights(whole.get_weights())
    reference = to_numpy(whole(x))

    def feed_in_chunks(row_order_after_first_chunk):
        reset_rnn_states(chunked)
        outputs = []
        for start in range(0, length, chunk):
            order = np.arange(batch_size) if start == 0 else row_order_after_first_chunk
            piece = to_numpy(chunked(x[order, start : start + chunk]))
            restored = np.empty_like(piece)
            restored[order] = piece  # put the rows back where the reference has them
            outputs.append(restored)
        return np.concatenate(outputs, axis=1)

    in_order = feed_in_chunks(np.arange(batch_size))
    rows_rolled = feed_in_chunks(np.roll(np.arange(batch_size), 1))
    return {
        "chunked - one pass": max_abs_difference(in_order, reference),
        "chunked with rows rolled by one - one pass": max_abs_difference(rows_rolled, reference),
    }


def probe_long_sequence(length=120, chunk=10, units=8, features=3, seed=2):
    """One long sequence fed ``chunk`` steps at a time to a batch-1 stateful layer,
    and the same chunks with a reset before each (every chunk then starts from zeros)."""
    x = _random_sequences((1, length, features), seed)
    whole = lstm_model(units, length, features, stateful=False, seed=seed)
    chunked = lstm_model(units, chunk, features, stateful=True, batch_size=1, seed=seed)
    chunked.set_weights(whole.get_weights())
    reference = to_numpy(whole(x))

    def feed_in_chunks(reset_before_each):
        reset_rnn_states(chunked)
        pieces = []
        for start in range(0, length, chunk):
            if reset_before_each:
                reset_rnn_states(chunked)
            pieces.append(to_numpy(chunked(x[:, start : start + chunk])))
        return max_abs_difference(np.concatenate(pieces, axis=1), reference)

    return {
        "chunked - one pass": feed_in_chunks(False),
        "chunked with a reset before each chunk - one pass": feed_in_chunks(True),
    }


def probe_batch_sizes(built_for=4, fed=(1, 2, 4), units=8, steps=5, features=3, seed=3):
    """A stateful layer built for batch ``built_for``, called once with that batch,
    then with a batch of each size in ``fed`` (a fresh layer each time).

    Returns ``{"batch of n": what the second call raised}``, as
    :func:`lstm_lab.claims.compare.raised` gives it (None: it returned)."""
    outcomes = {}
    for size in fed:
        model = lstm_model(units, steps, features, stateful=True, batch_size=built_for, seed=seed)
        model(_random_sequences((built_for, steps, features), seed))
        batch = _random_sequences((size, steps, features), seed + 1)
        outcomes[f"batch of {size}"] = raised(partial(model, batch))
    return outcomes
