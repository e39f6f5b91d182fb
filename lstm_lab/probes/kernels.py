"""What Keras 3 promises of its recurrent layers on every backend and kernel, measured
(claims K3-01 … K3-04, K3-06, K3-08, K3-10; experiment 09).

Each probe builds small layers with weights drawn from ``seed``, runs them on random input
and returns numbers (largest absolute differences, seconds) or what Keras raised, so that
the report shows what every verdict rests on.
"""

import time

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy
from lstm_lab.errors import error_summary

LAYERS = ("LSTM", "GRU", "SimpleRNN")
CUDNN_LAYERS = ("LSTM", "GRU")  # the layers that take use_cudnn


def _inputs(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def _sequence_layer(kind, units, **options):
    return getattr(keras.layers, kind)(units, return_sequences=True, **options)


def _twin(kind, units, x, first_options, second_options):
    """Two layers of one kind with the same weights, built on ``x``'s shape."""
    first = _sequence_layer(kind, units, **first_options)
    second = _sequence_layer(kind, units, **second_options)
    first.build(x.shape)
    second.build(x.shape)
    second.set_weights(first.get_weights())
    return first, second


def probe_go_backwards(units=4, shape=(2, 6, 3), seed=0, use_cudnn="auto"):
    """K3-01: ``go_backwards=True`` against the same layer run forward on the time-reversed
    input, and on that input with its output reversed back to input order."""
    keras.utils.set_random_seed(seed)
    x = _inputs(shape, seed)
    result = {}
    for kind in LAYERS:
        kernel = {"use_cudnn": use_cudnn} if kind in CUDNN_LAYERS else {}
        backwards, forwards = _twin(kind, units, x, {"go_backwards": True, **kernel}, kernel)
        reversed_run = to_numpy(forwards(x[:, ::-1]))
        observed = to_numpy(backwards(x))
        result[f"{kind}: output - forward on reversed input"] = max_abs_difference(
            observed, reversed_run
        )
        result[f"{kind}: output - the same, re-reversed to input order"] = max_abs_difference(
            observed, reversed_run[:, ::-1]
        )
    return result


def probe_cudnn_on_cpu(units=4, shape=(2, 6, 3), seed=0):
    """K3-02 on a CPU: does ``use_cudnn=True`` raise, with what message, and does ``"auto"``
    run? One LSTM and one GRU."""
    x = _inputs(shape, seed)
    result = {}
    for kind in CUDNN_LAYERS:
        try:
            to_numpy(_sequence_layer(kind, units, use_cudnn=True)(x))
            result[f"{kind}: use_cudnn=True raises"], error = False, "ran"
        except Exception as raised:  # what Keras raises is the observation
            result[f"{kind}: use_cudnn=True raises"], error = True, error_summary(raised)
        result[f"{kind}: message"] = error
        result[f"{kind}: auto runs"] = to_numpy(_sequence_layer(kind, units)(x)).shape == (
            *shape[:2],
            units,
        )
    return result


def probe_cudnn_matches_generic(units=32, shape=(8, 20, 16), seed=0):
    """K3-02 on a GPU: ``use_cudnn=True`` against ``False`` with the same weights, outputs and
    final states, per layer."""
    x = _inputs(shape, seed)
    result = {}
    for kind in CUDNN_LAYERS:
        options = {"return_state": True}
        fast, generic = _twin(
            kind, units, x, {"use_cudnn": True, **options}, {"use_cudnn": False, **options}
        )
        result[kind] = max(
            max_abs_difference(a, b) for a, b in zip(fast(x), generic(x), strict=True)
        )
    return result


CUDNN_CONDITIONS = {
    "activation='relu'": {"activation": "relu"},
    "recurrent_activation='hard_sigmoid'": {"recurrent_activation": "hard_sigmoid"},
    "recurrent_dropout=0.1": {"recurrent_dropout": 0.1},
    "unroll=True": {"unroll": True},
    "use_bias=False": {"use_bias": False},
}


def probe_cudnn_conditions(units=8, shape=(4, 6, 3), seed=0):
    """K3-03 on a GPU: for each condition the guide lists (plus masks), does an LSTM with
    ``use_cudnn=True`` run or raise? ``"raises: ..."`` or ``"runs"`` per condition."""
    x = _inputs(shape, seed)
    outcome = {}
    cases = {name: (options, None) for name, options in CUDNN_CONDITIONS.items()}
    right_padded = np.ones(shape[:2], dtype=bool)
    right_padded[:, -2:] = False
    cases["mask, right-padded"] = ({}, right_padded)
    cases["mask, left-padded"] = ({}, right_padded[:, ::-1].copy())
    for name, (options, mask) in cases.items():
        layer = _sequence_layer("LSTM", units, use_cudnn=True, **options)
        try:
            to_numpy(layer(x, mask=mask, training=True))
            outcome[name] = "runs"
        except Exception as raised:  # what Keras raises is the observation
            outcome[name] = "raises: " + error_summary(raised)
    return outcome


def seconds_per_epoch_by_kernel(samples=4096, maxlen=80, epochs=2, seed=0):
    """K3-04 on a GPU: seconds per ``fit`` epoch of the IMDb-shaped model (Embedding(10000,
    128) -> LSTM(32) -> Dense(1)), with ``use_cudnn=True`` and ``False``; the first epoch
    (compilation) is left out."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 10000, size=(samples, maxlen)).astype(np.int32)
    y = rng.integers(0, 2, size=(samples, 1)).astype(np.float32)
    seconds = {}
    for use_cudnn in (True, False):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential(
            [
                keras.Input((maxlen,), dtype="int32"),
                keras.layers.Embedding(10000, 128),
                keras.layers.LSTM(32, use_cudnn=use_cudnn),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        started = time.perf_counter()
        model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
        seconds[f"use_cudnn={use_cudnn}"] = (time.perf_counter() - started) / epochs
    return seconds


def probe_masked_outputs(units=4, shape=(2, 6, 3), valid=4, seed=0):
    """K3-06: an LSTM with ``return_sequences=True`` on right-padded input with a mask: do
    the masked steps repeat the last valid output, or are they zeros, for each value of
    ``zero_output_for_mask``?"""
    x = _inputs(shape, seed)
    mask = np.zeros(shape[:2], dtype=bool)
    mask[:, :valid] = True
    result = {}
    for zero_output in (False, True):
        layer, _ = _twin("LSTM", units, x, {"zero_output_for_mask": zero_output}, {})
        outputs = to_numpy(layer(x, mask=mask))
        last_valid = outputs[:, valid - 1 : valid]
        masked = outputs[:, valid:]
        result[f"zero_output_for_mask={zero_output}: masked - last valid output"] = (
            max_abs_difference(masked, np.broadcast_to(last_valid, masked.shape))
        )
        result[f"zero_output_for_mask={zero_output}: largest masked |output|"] = float(
            np.max(np.abs(masked))
        )
    return result


def probe_cell_vs_layer(units=10, shape=(2, 6, 3), seed=0):
    """K3-08: ``RNN(LSTMCell(units))`` against ``LSTM(units)`` with the same weights; the
    largest difference of the sequences and of the final states."""
    x = _inputs(shape, seed)
    keras.utils.set_random_seed(seed)
    wrapped = keras.layers.RNN(
        keras.layers.LSTMCell(units), return_sequences=True, return_state=True
    )
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    wrapped.build(x.shape)
    layer.build(x.shape)
    layer.set_weights(wrapped.get_weights())
    return max(max_abs_difference(a, b) for a, b in zip(wrapped(x), layer(x), strict=True))


def probe_mixed_precision(policy, epochs=2, shape=(32, 10, 3), seed=0):
    """K3-10: a few ``fit`` epochs of LSTM(8) and GRU(8) regressors under ``policy``; per
    layer the losses (finite or not) or what Keras raised. The global policy is restored."""
    x = _inputs(shape, seed)
    y = _inputs((shape[0], 1), seed + 1)
    result = {}
    previous = keras.config.dtype_policy()
    try:
        keras.config.set_dtype_policy(policy)
        for kind in CUDNN_LAYERS:
            keras.utils.set_random_seed(seed)
            model = keras.Sequential(
                [
                    keras.Input(shape[1:]),
                    getattr(keras.layers, kind)(8),
                    keras.layers.Dense(1, dtype="float32"),  # float32 output, as Keras advises
                ]
            )
            model.compile(optimizer="adam", loss="mse")
            try:
                history = model.fit(x, y, batch_size=8, epochs=epochs, verbose=0)
                result[kind] = [float(v) for v in history.history["loss"]]
            except Exception as raised:  # what Keras raises is the observation
                result[kind] = "raises: " + error_summary(raised)
    finally:
        keras.config.set_dtype_policy(previous)
    return result


def losses_are_finite(losses):
    return isinstance(losses, list) and bool(np.all(np.isfinite(losses)))
