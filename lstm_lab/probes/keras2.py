"""The tutorials' claims replayed on Keras 2, with Keras 2's own API (tf-keras).

    TF_USE_LEGACY_KERAS=1 python -m lstm_lab.probes.keras2 --results-dir DIR

runs in the Keras 2 environment of ``environments.toml`` (``conformance --keras 2`` starts
it there) and writes ``DIR/keras2_probes/metrics.json``, one entry per claim in the shape the
experiments' metrics.json has, so that ``results/versions.md`` can say of each refuted claim
whether it held when the tutorials were written. The experiments are Keras 3 code and are not
ported: each probe here is a few lines of Keras 2 that check the same thing as the
experiment's check of that claim. This module imports no Keras 3.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

EQUAL = 1e-6  # float32 outputs computed twice from the same weights and inputs
PROBES = {}  # claim id -> probe; each returns {observation: holds}


def probe(claim_id):
    def register(function):
        PROBES[claim_id] = function
        return function

    return register


def keras2():
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tf_keras

    return tf_keras


def close(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and float(np.max(np.abs(a - b))) <= EQUAL


def sequences(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def rnn(keras, kind, units, **options):
    keras.utils.set_random_seed(0)
    return getattr(keras.layers, kind)(units, **options)


@probe("C002-06")
def lstm_default_output(keras):
    x = sequences((6, 3, 1))
    inputs = keras.Input(shape=(3, 1))
    output = keras.Model(inputs, rnn(keras, "LSTM", 1)(inputs)).predict(x, verbose=0)
    return {"LSTM(1) on (6, 3, 1) gives (6, 1)": output.shape == (6, 1)}


@probe("C002-07")
def lstm_return_sequences(keras):
    x = sequences((6, 3, 1))
    x[1, :2] = x[0, :2]  # rows 0 and 1 share a two-step prefix
    layer = rnn(keras, "LSTM", 1, return_sequences=True)
    sequence = layer(x).numpy()
    last = keras.layers.LSTM(1)
    last(x)
    last.set_weights(layer.get_weights())
    return {
        "return_sequences gives (6, 3, 1)": sequence.shape == (6, 3, 1),
        "the last step is the default output": close(sequence[:, -1], last(x).numpy()),
        "rows sharing an input prefix share the output prefix": close(
            sequence[0, :2], sequence[1, :2]
        ),
    }


def _with_state(keras, kind, units, return_sequences):
    x = sequences((6, 3, 1))
    layer = rnn(keras, kind, units, return_state=True, return_sequences=return_sequences)
    return [part.numpy() for part in layer(x)]


@probe("C002-08")
def lstm_return_state(keras):
    outputs = _with_state(keras, "LSTM", 1, False)
    return {
        "three arrays": len(outputs) == 3,
        "the output equals h": close(outputs[0], outputs[1]),
        "c differs from h": not close(outputs[1], outputs[2]),
    }


@probe("C002-09")
def lstm_both_flags(keras):
    sequence, h, c = _with_state(keras, "LSTM", 1, True)
    return {
        "[sequence (6, 3, 1), h (6, 1), c (6, 1)]": (sequence.shape, h.shape, c.shape)
        == ((6, 3, 1), (6, 1), (6, 1)),
        "sequence[:, -1] == h": close(sequence[:, -1], h),
    }


def _one_state(keras, kind):
    sequence, h = _with_state(keras, kind, 4, True)
    output, h_alone = _with_state(keras, kind, 4, False)
    return {
        f"{kind} return_state gives two arrays": len(_with_state(keras, kind, 4, False)) == 2,
        "output == h": close(output, h_alone),
        "h == sequence[:, -1]": close(h, sequence[:, -1]),
    }


@probe("L-01-01")
def gru_one_state(keras):
    return _one_state(keras, "GRU")


@probe("L-01-02")
def simple_rnn_one_state(keras):
    return _one_state(keras, "SimpleRNN")


@probe("C000-08")
def stacking(keras):
    x = sequences((2, 5, 3))
    try:
        keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4), keras.layers.LSTM(4)])(x)
        stacked_without_sequences = True
    except (ValueError, TypeError):
        stacked_without_sequences = False
    return {
        "an LSTM on a layer without return_sequences=True is refused": not (
            stacked_without_sequences
        ),
        "GRU has one state": len(_with_state(keras, "GRU", 4, False)) - 1 == 1,
        "LSTM has two states": len(_with_state(keras, "LSTM", 4, False)) - 1 == 2,
    }


@probe("C000-06")
def bidirectional_halves(keras):
    x = sequences((2, 5, 3))
    keras.utils.set_random_seed(0)
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_sequences=True, return_state=True)
    )
    sequence, forward_h, _, backward_h, _ = [part.numpy() for part in layer(x)]
    return {
        "2 x hidden features (default merge concatenates)": sequence.shape == (2, 5, 8),
        "the last step's forward half is the forward summary": close(
            sequence[:, -1, :4], forward_h
        ),
        "the last step's backward half is the backward summary": close(
            sequence[:, -1, 4:], backward_h
        ),
    }


@probe("K3-01")
def go_backwards(keras):
    x = sequences((2, 5, 3))
    backwards = rnn(keras, "LSTM", 4, return_sequences=True, go_backwards=True)
    forwards = keras.layers.LSTM(4, return_sequences=True)
    forwards(x)
    returned = backwards(x).numpy()
    forwards.set_weights(backwards.get_weights())
    reversed_input = forwards(x[:, ::-1]).numpy()
    return {
        "returns the sequence of the reversed input, in reversed order": close(
            returned, reversed_input
        )
    }


@probe("K3-06")
def zero_output_for_mask(keras):
    x = sequences((2, 5, 3))
    x[0, 3:] = 0.0  # two masked steps at the end of row 0
    outputs = {}
    for zeros in (None, True):
        keras.utils.set_random_seed(0)
        options = {} if zeros is None else {"zero_output_for_mask": True}
        model = keras.Sequential(
            [
                keras.Input((5, 3)),
                keras.layers.Masking(0.0),
                keras.layers.LSTM(4, return_sequences=True, **options),
            ]
        )
        outputs[zeros] = model.predict(x, verbose=0)
    default = outputs[None]
    return {
        "by default a masked step repeats the last unmasked output": close(
            default[0, 3:], np.repeat(default[0, 2:3], 2, axis=0)
        ),
        "with zero_output_for_mask=True masked steps are zeros": close(
            outputs[True][0, 3:], np.zeros((2, 4))
        ),
    }


@probe("K3-08")
def rnn_of_cell(keras):
    x = sequences((2, 5, 3))
    layer = rnn(keras, "LSTM", 4)
    wrapped = keras.layers.RNN(keras.layers.LSTMCell(4))
    expected = layer(x).numpy()
    wrapped(x)
    wrapped.set_weights(layer.get_weights())
    return {"RNN(LSTMCell(4)) == LSTM(4) with the same weights": close(wrapped(x), expected)}


def _stateful(keras, batch_size, steps, units=8, features=3):
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.layers.LSTM(
                units,
                stateful=True,
                return_sequences=True,
                batch_input_shape=(batch_size, steps, features),
            ),
        ]
    )


@probe("C004-05")
def carry_over(keras):
    x = sequences((2, 5, 3))
    model = _stateful(keras, 2, 5)
    first, second = model(x).numpy(), model(x).numpy()
    model.reset_states()
    after_reset = model(x).numpy()
    stateless = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(8, return_sequences=True)])
    stateless.set_weights(model.get_weights())
    return {
        "a stateful layer's second call differs from its first": not close(second, first),
        "after model.reset_states() it repeats the first call": close(after_reset, first),
        "a stateless layer repeats itself": close(stateless(x), stateless(x)),
        "a stateless layer's call equals the stateful first call": close(stateless(x), first),
    }


def _chunks_continue(keras, rows, length, chunk, seed):
    """A stateful layer fed ``length`` steps ``chunk`` at a time, against one stateless pass
    over the whole sequences with the same weights: equal?"""
    x = sequences((rows, length, 3), seed=seed)
    model = _stateful(keras, rows, chunk)
    pieces = [model(x[:, start : start + chunk]).numpy() for start in range(0, length, chunk)]
    whole = keras.Sequential(
        [keras.Input((length, 3)), keras.layers.LSTM(8, return_sequences=True)]
    )
    whole.set_weights(model.get_weights())
    return close(np.concatenate(pieces, 1), whole(x))


@probe("C004-06")
def rows_continue(keras):
    return {"row i of each chunk continues row i of the last": _chunks_continue(keras, 4, 12, 4, 1)}


@probe("C004-07")
def chunks_continue(keras):
    return {
        "three chunks of 10 steps equal one pass over 30": _chunks_continue(keras, 1, 30, 10, 2)
    }


@probe("L-03-01")
def batch_size_check(keras):
    model = _stateful(keras, 4, 5)  # as experiment 03: built for 4 rows, fed 2
    model(sequences((4, 5, 3)))
    try:
        model(sequences((2, 5, 3)))
        rejected = False
    except Exception:  # whatever Keras 2 raises is the rejection
        rejected = True
    return {"a stateful layer built for batch size 4 rejects a batch of 2": rejected}


@probe("C004-11")
def tutorial_calls(keras):
    holds = {}
    try:
        from tf_keras.utils import np_utils  # noqa: F401 - the tutorial's import

        holds["from keras.utils import np_utils"] = True
    except ImportError:
        holds["from keras.utils import np_utils"] = False
    try:
        model = _stateful(keras, 1, 1)
        holds["LSTM(..., batch_input_shape=(1, 1, 3), stateful=True)"] = True
        model(sequences((1, 1, 3)))
        model.reset_states()
        holds["model.reset_states()"] = True
    except (TypeError, ValueError, AttributeError):
        holds.setdefault("LSTM(..., batch_input_shape=(1, 1, 3), stateful=True)", False)
        holds.setdefault("model.reset_states()", False)
    return holds


@probe("K3-05")
def stateful_fit(keras):
    x, y = sequences((6, 5, 3)), sequences((6, 1), seed=1)
    holds = {}
    for kind in ("LSTM", "GRU"):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                getattr(keras.layers, kind)(4, stateful=True, batch_input_shape=(2, 5, 3)),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
        largest = max(float(np.max(np.abs(state.numpy()))) for state in model.layers[0].states)
        holds[f"{kind}: fit runs and leaves a state that is not zero"] = largest > 0
    return holds


@probe("C004-09")
def one_step_generation(keras):
    return {
        "12 one-step calls equal the 12-step forward pass": _chunks_continue(keras, 1, 12, 1, 3)
    }


@probe("C004-08")
def time_distributed(keras):
    model = keras.Sequential(
        [
            keras.Input((10, 5)),
            keras.layers.LSTM(16, return_sequences=True),
            keras.layers.TimeDistributed(keras.layers.Dense(5, "softmax")),
        ]
    )
    output = model.predict(sequences((3, 10, 5)), verbose=0)
    return {
        "TimeDistributed(Dense(5)) after return_sequences gives (3, 10, 5)": output.shape
        == (3, 10, 5),
        "each step's outputs sum to 1": close(output.sum(-1), np.ones((3, 10))),
    }


@probe("C002-01")
def imdb_parameters(keras):
    model = keras.Sequential(
        [
            keras.Input((80,)),
            keras.layers.Embedding(10000, 128),
            keras.layers.LSTM(32),
            keras.layers.Dense(1, "sigmoid"),
        ]
    )
    return {
        "1,300,641 parameters": model.count_params() == 1_300_641,
        "the Embedding gives 80 x 128 a review": model.layers[0].output_shape == (None, 80, 128),
    }


@probe("C002-03")
def padding_side(keras):
    padded = keras.preprocessing.sequence.pad_sequences([[5, 6, 7]], maxlen=5)
    return {"[5, 6, 7] -> [0, 0, 5, 6, 7]": padded.tolist() == [[0, 0, 5, 6, 7]]}


@probe("C002-04")
def truncating_side(keras):
    cut = keras.preprocessing.sequence.pad_sequences([list(range(1, 101))], maxlen=80)
    return {"a 100-word review keeps its first 80 words": cut[0, 0] == 1 and cut[0, -1] == 80}


def run_probes(keras):
    """``[{id, verdict, observed, evidence}]``: every probe on this Keras 2; a probe that
    raises gives ``error`` with what it raised."""
    results = []
    for claim_id, function in PROBES.items():
        try:
            holds = {name: bool(value) for name, value in function(keras).items()}
            verdict = "confirmed" if all(holds.values()) else "refuted"
            failing = [name for name, value in holds.items() if not value]
            evidence = (
                f"on Keras 2: not: {'; '.join(failing)}"
                if failing
                else f"on Keras 2 all {len(holds)} hold: {'; '.join(holds)}"
            )
        except Exception as raised:  # noqa: BLE001 - the error is the verdict's evidence
            holds, verdict = None, "error"
            evidence = f"on Keras 2 the probe raised {type(raised).__name__}: {raised}"[:400]
        results.append(
            {"id": claim_id, "verdict": verdict, "observed": holds, "evidence": evidence}
        )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--results-dir", type=Path, required=True)
    parser.add_argument("--profile", choices=["full", "quick"], default="quick")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    keras = keras2()
    import tensorflow as tf

    from lstm_lab.claims.catalogue import record_of
    from lstm_lab.files import write_json_atomically

    claims = run_probes(keras)
    for claim in claims:
        expected = record_of(claim["id"]).expected("tensorflow", args.profile, keras.__version__)
        claim["expect"] = expected.verdict
    data = {
        "experiment": "keras2_probes",
        "profile": args.profile,  # the probes are the same in both; kept for the matrix
        "backend": "tensorflow",
        "keras": f"tf-keras {keras.__version__}",
        "tensorflow": tf.__version__,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "claims": claims,
    }
    target = args.results_dir / "keras2_probes" / "metrics.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomically(target, data)
    differing = [c["id"] for c in claims if c["verdict"] != c["expect"]]
    for claim in claims:
        print(f"{claim['id']:8s} {claim['verdict']:9s} {claim['evidence'][:110]}")
    print(
        f"{len(claims)} claims on tf-keras {keras.__version__}; differ from the catalogue's "
        f"expectation: {', '.join(differing) or 'none'} -> {target}"
    )
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
