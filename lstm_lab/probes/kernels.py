"""What Keras 3 promises of its recurrent layers on every backend and kernel, measured
(experiment 09).

Each probe builds small layers with weights drawn from ``seed``, runs them on random input
and returns numbers (largest absolute differences, seconds) or what Keras raised (as
:func:`lstm_lab.claims.compare.raised` describes it), so that the report shows what every
verdict rests on. Each takes the option that turns it into its claim's control: the same
measurement on a configuration whose outcome is known.
"""

import time

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy
from lstm_lab.claims.compare import Comparison, raised, same_error

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


def _left_padded(shape, padded=2):
    mask = np.ones(shape[:2], dtype=bool)
    mask[:, :padded] = False
    return mask


def each_case(documented, observed):
    """Compare ``{case: expected exception ({"type", "match"}) or None (the call runs)}`` with
    ``{case: what it raised or None}``: it agrees when every case does. A case that raises
    the documented exception where the call should run disagrees (a refusal the documents
    do not list); one that raises another exception than expected is a failure (verdict
    *error*), with its message."""
    refusals = [expected for expected in documented.values() if expected]
    details, failures, differing = [], [], []
    for case, expected in documented.items():
        got = observed.get(case)
        if expected is None and got is not None:
            refused = [same_error(refusal, got) for refusal in refusals]
            if not any(result.agrees for result in refused):
                failures.append(f"{case}: raised {got['type']}: {got['message']}")
            differing.append(case)
        elif expected is not None:
            result = same_error(expected, got)
            if result.failed:
                failures.append(f"{case}: {result.failed}")
            if not result.agrees:
                differing.append(case)
        details.append(f"{case}: {'runs' if got is None else got['type']}")
    differing += [case for case in observed if case not in documented]
    detail = "every case as documented" if not differing else f"cases differ: {differing}"
    return Comparison(not differing, f"{detail} ({'; '.join(details)})", "; ".join(failures))


def probe_go_backwards(units=4, shape=(2, 6, 3), seed=0, use_cudnn="auto", go_backwards=True):
    """A layer with ``go_backwards`` against the same layer run forward on the
    time-reversed input, and on that input with its output reversed back to input order
    (``go_backwards=False``: the control, whose output is the forward run's on the input)."""
    keras.utils.set_random_seed(seed)
    x = _inputs(shape, seed)
    result = {}
    layers = LAYERS if use_cudnn == "auto" else CUDNN_LAYERS
    for kind in layers:
        kernel = {"use_cudnn": use_cudnn} if kind in CUDNN_LAYERS else {}
        tested, forwards = _twin(kind, units, x, {"go_backwards": go_backwards, **kernel}, kernel)
        reversed_run = to_numpy(forwards(x[:, ::-1]))
        observed = to_numpy(tested(x))
        result[f"{kind}: output - forward on reversed input"] = max_abs_difference(
            observed, reversed_run
        )
        result[f"{kind}: output - the same, re-reversed to input order"] = max_abs_difference(
            observed, reversed_run[:, ::-1]
        )
    return result


def probe_cudnn_on_cpu(units=4, shape=(2, 6, 3), seed=0, insisted=True):
    """On a CPU: what an LSTM and a GRU with ``use_cudnn=True`` raise (None: they run),
    and whether ``"auto"`` runs. ``insisted=False`` puts ``use_cudnn=False`` in place of True
    (the control: known to run)."""
    x = _inputs(shape, seed)
    result = {}
    for kind in CUDNN_LAYERS:
        for case, use_cudnn in [("use_cudnn=True", insisted), ("use_cudnn='auto'", "auto")]:
            layer = _sequence_layer(kind, units, use_cudnn=use_cudnn)
            result[f"{kind}, {case}"] = raised(lambda layer=layer: to_numpy(layer(x)))
    return result


def probe_cudnn_matches_generic(units=32, shape=(8, 20, 16), seed=0, other_weights=False):
    """On a GPU: ``use_cudnn=True`` against ``False`` with the same weights, outputs and
    final states, per layer (``other_weights``: the generic layer's weights reversed, the
    control, known to differ)."""
    x = _inputs(shape, seed)
    result = {}
    for kind in CUDNN_LAYERS:
        options = {"return_state": True}
        fast, generic = _twin(
            kind, units, x, {"use_cudnn": True, **options}, {"use_cudnn": False, **options}
        )
        if other_weights:
            generic.set_weights([w[::-1].copy() for w in fast.get_weights()])
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


def probe_cudnn_conditions(units=8, shape=(4, 6, 3), seed=0, use_cudnn=True):
    """On a GPU: for each condition the guide lists (plus masks), what an LSTM with
    ``use_cudnn`` raises (None: it runs); ``"auto"`` (the control) falls back and runs."""
    x = _inputs(shape, seed)
    cases = {name: (options, None) for name, options in CUDNN_CONDITIONS.items()}
    right_padded = _left_padded(shape)[:, ::-1].copy()
    cases["mask, right-padded"] = ({}, right_padded)
    cases["mask, left-padded"] = ({}, _left_padded(shape))
    outcome = {}
    for name, (options, mask) in cases.items():
        layer = _sequence_layer("LSTM", units, use_cudnn=use_cudnn, **options)
        outcome[name] = raised(
            lambda layer=layer, mask=mask: to_numpy(layer(x, mask=mask, training=True))
        )
    return outcome


def seconds_per_epoch_by_kernel(samples=4096, maxlen=80, epochs=2, seed=0):
    """On a GPU: seconds per ``fit`` epoch of the IMDb-shaped model (Embedding(10000,
    128) -> LSTM(32) -> Dense(1)), with ``use_cudnn=True`` and ``False``, and ``False`` again
    (the control: a kernel against itself); the first epoch (compilation) is left out."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 10000, size=(samples, maxlen)).astype(np.int32)
    y = rng.integers(0, 2, size=(samples, 1)).astype(np.float32)
    seconds = {}
    for name, use_cudnn in [("True", True), ("False", False), ("False, again", False)]:
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
        seconds[f"use_cudnn={name}"] = (time.perf_counter() - started) / epochs
    return seconds


def probe_masked_outputs(units=4, shape=(2, 6, 3), valid=4, seed=0, masked=True):
    """An LSTM with ``return_sequences=True`` on right-padded input with a mask (without
    one: the control): do the padded steps repeat the last valid output, or are they zeros,
    for each value of ``zero_output_for_mask``?"""
    x = _inputs(shape, seed)
    mask = np.zeros(shape[:2], dtype=bool)
    mask[:, :valid] = True
    result = {}
    for zero_output in (False, True):
        layer, _ = _twin("LSTM", units, x, {"zero_output_for_mask": zero_output}, {})
        outputs = to_numpy(layer(x, mask=mask if masked else None))
        last_valid = outputs[:, valid - 1 : valid]
        padded = outputs[:, valid:]
        result[f"zero_output_for_mask={zero_output}: masked - last valid output"] = (
            max_abs_difference(padded, np.broadcast_to(last_valid, padded.shape))
        )
        result[f"zero_output_for_mask={zero_output}: largest masked |output|"] = float(
            np.max(np.abs(padded))
        )
    return result


def probe_cell_vs_layer(units=10, shape=(2, 6, 3), seed=0, go_backwards=False):
    """``RNN(LSTMCell(units))`` against ``LSTM(units)`` with the same weights; the
    largest difference of the sequences and of the final states (``go_backwards=True`` on
    the wrapped cell: the control, which reads the sequence the other way)."""
    x = _inputs(shape, seed)
    keras.utils.set_random_seed(seed)
    wrapped = keras.layers.RNN(
        keras.layers.LSTMCell(units),
        return_sequences=True,
        return_state=True,
        go_backwards=go_backwards,
    )
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    wrapped.build(x.shape)
    layer.build(x.shape)
    layer.set_weights(wrapped.get_weights())
    return max(max_abs_difference(a, b) for a, b in zip(wrapped(x), layer(x), strict=True))


def probe_mixed_precision(policy, epochs=2, shape=(32, 10, 3), seed=0, with_nan=False):
    """A few ``fit`` epochs of LSTM(8) and GRU(8) regressors under ``policy``; per
    layer the losses or what Keras raised (``with_nan``: one input is NaN, the control, whose
    losses are known not to be finite). The global policy is restored."""
    x = _inputs(shape, seed)
    if with_nan:
        x[0, 0, 0] = np.nan
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
            losses = []
            error = raised(
                lambda m=model, into=losses: into.extend(
                    m.fit(x, y, batch_size=8, epochs=epochs, verbose=0).history["loss"]
                )
            )
            result[kind] = [float(v) for v in losses] if error is None else error
    finally:
        keras.config.set_dtype_policy(previous)
    return result


def losses_are_finite(losses):
    """Whether :func:`probe_mixed_precision` trained a layer with finite losses (not raised)."""
    return isinstance(losses, list) and bool(losses) and bool(np.all(np.isfinite(losses)))
