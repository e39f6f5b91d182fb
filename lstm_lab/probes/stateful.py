"""What ``stateful=True`` does on the installed Keras, measured (claims C004-05 … C004-07).

Each probe builds small LSTM layers with the same weights, one stateful and
one not, feeds them random sequences and returns the largest absolute
differences between outputs, so a report can show the numbers behind each
verdict.
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy
from lstm_lab.errors import error_summary
from lstm_lab.training.states import reset_rnn_states

# Keras 3.0 to 3.11 had no check: a batch of 1 was broadcast over the stored states
# (keras-team/keras#21183) while a batch of another size failed in the state update;
# 3.12.0 added the ValueError (keras-team/keras#21742). Measured in results/findings.md.
BATCH_SIZE_CHECK_SINCE = (3, 12, 0)


def lstm_model(units, steps, features, *, stateful, batch_size=None, seed=0):
    """``Input -> LSTM(return_sequences=True)`` with weights drawn from ``seed``."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(steps, features), batch_size=batch_size)
    outputs = keras.layers.LSTM(units, stateful=stateful, return_sequences=True)(inputs)
    return keras.Model(inputs, outputs)


def _random_sequences(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def probe_carry_over(units=8, batch_size=2, steps=5, features=3, seed=0):
    """C004-05: call a stateful and a stateless layer twice on the same batch."""
    x = _random_sequences((batch_size, steps, features), seed)
    stateful = lstm_model(units, steps, features, stateful=True, batch_size=batch_size, seed=seed)
    stateless = lstm_model(units, steps, features, stateful=False, seed=seed)
    stateless.set_weights(stateful.get_weights())

    first, second = stateful(x), stateful(x)
    reset_rnn_states(stateful)
    after_reset = stateful(x)
    plain_first, plain_second = stateless(x), stateless(x)
    return {
        "stateful: second call - first call": max_abs_difference(second, first),
        "stateful: after reset_state() - first call": max_abs_difference(after_reset, first),
        "stateless: second call - first call": max_abs_difference(plain_second, plain_first),
        "stateless - stateful first call": max_abs_difference(plain_first, first),
    }


def probe_rows_continue(batch_size=4, length=12, chunk=4, units=8, features=3, seed=1):
    """C004-06: four independent sequences fed in chunks to a stateful layer with batch size 4.

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
    """C004-07: one long sequence fed ``chunk`` steps at a time to a batch-1 stateful layer."""
    x = _random_sequences((1, length, features), seed)
    whole = lstm_model(units, length, features, stateful=False, seed=seed)
    chunked = lstm_model(units, chunk, features, stateful=True, batch_size=1, seed=seed)
    chunked.set_weights(whole.get_weights())
    reset_rnn_states(chunked)
    pieces = [to_numpy(chunked(x[:, s : s + chunk])) for s in range(0, length, chunk)]
    reset_rnn_states(chunked)
    first_chunk_again = to_numpy(chunked(x[:, chunk : 2 * chunk]))
    reference = to_numpy(whole(x))
    return {
        "chunked - one pass": max_abs_difference(np.concatenate(pieces, axis=1), reference),
        "second chunk after a reset - one pass": max_abs_difference(
            first_chunk_again, reference[:, chunk : 2 * chunk]
        ),
    }


def probe_other_batch_size(built_for=4, fed=2, units=8, steps=5, features=3, seed=3):
    """L-03-01: call a stateful layer built for batch ``built_for`` with batch ``fed``."""
    model = lstm_model(units, steps, features, stateful=True, batch_size=built_for, seed=seed)
    try:
        output = model(_random_sequences((fed, steps, features), seed))
    except Exception as error:  # the type is part of what we record
        return {"raised": True, "error": error_summary(error)}
    return {"raised": False, "error": f"no error; output shape {tuple(output.shape)}"}


def keras_version():
    return tuple(int(part) for part in keras.__version__.split(".")[:3] if part.isdigit())
