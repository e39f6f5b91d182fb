"""The tutorials' claims measured on Keras 2, with Keras 2's own API (tf-keras), each beside
its control; :mod:`lstm_lab.runners.keras2` runs them and writes the results.

The experiments are Keras 3 code and are not ported: each probe here is a few lines of Keras 2
that check the same thing as the experiment's check of that claim. This module imports no
Keras 3.

Each probe runs twice in the same process: on the claim's configuration and on its control,
a configuration whose outcome is known to be the opposite (a stateless layer beside "the
state carries", ``truncating="post"`` beside "keeps the last words", a batch of the built
size beside "another batch size is refused"). A claim whose control does not come out as
known, or comes out as the claim did, is *inconclusive*: the probe could not have said
otherwise. A claim that something is refused is judged by the exception's type and message
(:func:`lstm_lab.claims.compare.same_error`); another exception is an *error*.
"""

import os
from dataclasses import dataclass

import numpy as np

from lstm_lab.claims.compare import raised, same_error
from lstm_lab.probes.readable import readable_layer

EQUAL = 1e-6  # float32 outputs computed twice from the same weights and inputs
OPPOSITE = {"confirmed": "refuted", "refuted": "confirmed"}
PROBES = {}  # claim id -> Probe

# What Keras 2 raises where a claim says a call is refused (measured on tf-keras 2.21.0), and
# what the tutorial's calls raise where they do not run (measured on Keras 3.15.1).
REFUSALS = {
    "another batch size": {
        "type": "ValueError",
        "match": r"is incompatible with the layer: expected shape=\(4, None, 3\), "
        r"found shape=\([0-9]+, 5, 3\)",
    },
    "a 2-D input to an LSTM": {"type": "ValueError", "match": r"expected ndim=3, found ndim=2"},
    "np_utils": {"type": "ImportError", "match": r"cannot import name 'np_utils'"},
    "batch_input_shape": {
        "type": "ValueError",
        "match": r"Unrecognized keyword arguments.*batch_input_shape",
    },
    "reset_states": {"type": "AttributeError", "match": r"has no attribute 'reset_states'"},
    "an index past the table": {
        "type": "InvalidArgumentError",
        "match": r"indices\[0,9\] = 10 is not in \[0, 10\)",
    },
    "unroll on an unknown length": {
        "type": "ValueError",
        "match": r"Unrolling requires a fixed number of timesteps",
    },
}


@dataclass(frozen=True)
class Probe:
    """``measure(keras, control)`` gives ``{observation: holds}`` on the claim's configuration
    (``control`` False) or on its control's (True); ``control`` names that configuration and
    what it is known to give, ``known`` the verdict it is known to give."""

    measure: object
    control: str
    known: str


def probe(claim_id, control, known="refuted"):
    def register(function):
        PROBES[claim_id] = Probe(function, control, known)
        return function

    return register


class Unexpected(Exception):
    """Another exception than the one a claim expects: the verdict is *error*, never a
    refusal."""


def refused(call, expected):
    """True where ``call()`` raises ``REFUSALS[expected]`` (its type, its message), False
    where it returns; another exception raises :class:`Unexpected`."""
    result = same_error(REFUSALS[expected], raised(call))
    if result.failed:
        raise Unexpected(result.failed)
    return result.agrees


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


@probe("C002-06", "the same LSTM(1) with return_sequences=True: (6, 3, 1), not (6, 1)")
def lstm_default_output(keras, control):
    x = sequences((6, 3, 1))
    inputs = keras.Input(shape=(3, 1))
    layer = rnn(keras, "LSTM", 1, return_sequences=control)
    output = keras.Model(inputs, layer(inputs)).predict(x, verbose=0)
    return {"LSTM(1) on (6, 3, 1) gives (6, 1)": output.shape == (6, 1)}


@probe(
    "C002-07",
    "the same weights with go_backwards=True: read right to left, its last step is not the "
    "default output and shared input prefixes give different outputs",
)
def lstm_return_sequences(keras, control):
    x = sequences((6, 3, 1))
    x[1, :2] = x[0, :2]  # rows 0 and 1 share a two-step prefix
    layer = rnn(keras, "LSTM", 1, return_sequences=True, go_backwards=control)
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


@probe("C002-08", "return_sequences=True as well: the first array is the whole sequence, not h")
def lstm_return_state(keras, control):
    outputs = _with_state(keras, "LSTM", 1, control)
    return {
        "three arrays": len(outputs) == 3,
        "the output equals h": close(outputs[0], outputs[1]),
        "c differs from h": not close(outputs[1], outputs[-1]),
    }


@probe("C002-09", "return_state=True alone: the first array is h (6, 1), not the sequence")
def lstm_both_flags(keras, control):
    sequence, h, c = _with_state(keras, "LSTM", 1, not control)
    return {
        "[sequence (6, 3, 1), h (6, 1), c (6, 1)]": (sequence.shape, h.shape, c.shape)
        == ((6, 3, 1), (6, 1), (6, 1)),
        "sequence[:, -1] == h": close(sequence[:, -1], h),
    }


def _one_state(keras, kind):
    sequence, h = _with_state(keras, kind, 4, True)[:2]
    outputs = _with_state(keras, kind, 4, False)
    return {
        f"{kind} return_state gives two arrays": len(outputs) == 2,
        "output == h": close(outputs[0], outputs[1]),
        "h == sequence[:, -1]": close(h, sequence[:, -1]),
    }


@probe("L-01-01", "an LSTM(4) probed the same way: three arrays (h and c)")
def gru_one_state(keras, control):
    return _one_state(keras, "LSTM" if control else "GRU")


@probe("L-01-02", "an LSTM(4) probed the same way: three arrays (h and c)")
def simple_rnn_one_state(keras, control):
    return _one_state(keras, "LSTM" if control else "SimpleRNN")


@probe(
    "C000-08",
    "the lower LSTM with return_sequences=True (accepted), GRU and LSTM trading places "
    "(LSTM has two states, GRU one)",
)
def stacking(keras, control):
    x = sequences((2, 5, 3))
    one, two = ("LSTM", "GRU") if control else ("GRU", "LSTM")

    def stack():
        lower = keras.layers.LSTM(4, return_sequences=control)
        keras.Sequential([keras.Input((5, 3)), lower, keras.layers.LSTM(4)])(x)

    return {
        f"an LSTM on an LSTM with return_sequences={control} is refused": refused(
            stack, "a 2-D input to an LSTM"
        ),
        f"{one} has one state": len(_with_state(keras, one, 4, False)) - 1 == 1,
        f"{two} has two states": len(_with_state(keras, two, 4, False)) - 1 == 2,
    }


@probe(
    "C000-06",
    "a one-step input, whose last step is also its first: each half is its direction's summary",
    known="confirmed",
)
def bidirectional_halves(keras, control):
    steps = 1 if control else 5
    x = sequences((2, steps, 3))
    keras.utils.set_random_seed(0)
    layer = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_sequences=True, return_state=True)
    )
    sequence, forward_h, _, backward_h, _ = [part.numpy() for part in layer(x)]
    return {
        "2 x hidden features (default merge concatenates)": sequence.shape == (2, steps, 8),
        "the last step's forward half is the forward summary": close(
            sequence[:, -1, :4], forward_h
        ),
        "the last step's backward half is the backward summary": close(
            sequence[:, -1, 4:], backward_h
        ),
    }


@probe(
    "K3-01",
    "go_backwards=False: the output is the forward layer's own, not its run on the reversed input",
)
def go_backwards(keras, control):
    x = sequences((2, 5, 3))
    backwards = rnn(keras, "LSTM", 4, return_sequences=True, go_backwards=not control)
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


@probe(
    "K3-06",
    "the same right-padded batch without a mask: the padded steps are neither repeats nor zeros",
)
def zero_output_for_mask(keras, control):
    x = sequences((2, 5, 3))
    x[0, 3:] = 0.0  # two masked steps at the end of row 0
    masking = [] if control else [keras.layers.Masking(0.0)]
    outputs = {}
    for zeros in (None, True):
        keras.utils.set_random_seed(0)
        options = {} if zeros is None else {"zero_output_for_mask": True}
        model = keras.Sequential(
            [keras.Input((5, 3)), *masking, keras.layers.LSTM(4, return_sequences=True, **options)]
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


@probe(
    "K3-08",
    "RNN(LSTMCell(4), go_backwards=True) with the same weights: it reads the sequence the "
    "other way, so the outputs differ",
)
def rnn_of_cell(keras, control):
    x = sequences((2, 5, 3))
    layer = rnn(keras, "LSTM", 4)
    wrapped = keras.layers.RNN(keras.layers.LSTMCell(4), go_backwards=control)
    expected = layer(x).numpy()
    wrapped(x)
    wrapped.set_weights(layer.get_weights())
    return {"RNN(LSTMCell(4)) == LSTM(4) with the same weights": close(wrapped(x), expected)}


def _stateful(keras, batch_size, steps, units=8, features=3, stateful=True):
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.layers.LSTM(
                units,
                stateful=stateful,
                return_sequences=True,
                batch_input_shape=(batch_size, steps, features),
            ),
        ]
    )


@probe("C004-05", "a stateless LSTM(8) with the same weights: the second call equals the first")
def carry_over(keras, control):
    x = sequences((2, 5, 3))
    model = _stateful(keras, 2, 5, stateful=not control)
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


def _chunks_continue(keras, rows, length, chunk, seed, control=None):
    """A stateful layer fed ``length`` steps ``chunk`` at a time, against one stateless pass
    over the whole sequences with the same weights: equal? ``control``: ``"roll"`` rolls the
    rows of every later chunk by one, ``"reset"`` resets the state before each chunk."""
    x = sequences((rows, length, 3), seed=seed)
    model = _stateful(keras, rows, chunk)
    pieces = []
    for start in range(0, length, chunk):
        piece = x[:, start : start + chunk]
        if control == "roll" and start:
            piece = np.roll(piece, 1, axis=0)
        if control == "reset":
            model.reset_states()
        pieces.append(model(piece).numpy())
    whole = keras.Sequential(
        [keras.Input((length, 3)), keras.layers.LSTM(8, return_sequences=True)]
    )
    whole.set_weights(model.get_weights())
    return close(np.concatenate(pieces, 1), whole(x))


@probe(
    "C004-06",
    "the same chunks with the rows of the later chunks rolled by one: the outputs differ from "
    "one pass",
)
def rows_continue(keras, control):
    holds = _chunks_continue(keras, 4, 12, 4, 1, "roll" if control else None)
    return {"row i of each chunk continues row i of the last": holds}


@probe(
    "C004-07", "the same chunks with a reset before each chunk: the outputs differ from one pass"
)
def chunks_continue(keras, control):
    holds = _chunks_continue(keras, 1, 30, 10, 2, "reset" if control else None)
    return {"three chunks of 10 steps equal one pass over 30": holds}


@probe("L-03-01", "the batch size the layer was built for (4): no exception")
def batch_size_check(keras, control):
    model = _stateful(keras, 4, 5)  # as experiment 03: built for 4 rows
    model(sequences((4, 5, 3)))
    # 2 rows as experiment 03; 1 row as the finding stateful_batch_broadcast
    sizes = (4,) if control else (2, 1)
    return {
        f"a stateful layer built for batch size 4 refuses a batch of {rows}": refused(
            lambda rows=rows: model(sequences((rows, 5, 3))), "another batch size"
        )
        for rows in sizes
    }


@probe(
    "C004-11",
    "the tutorial's calls with Keras 2's own replacement for the import that fails "
    "(from tf_keras.utils import to_categorical): all run",
    known="confirmed",
)
def tutorial_calls(keras, control):
    def tutorial_import():
        if control:
            from tf_keras.utils import to_categorical  # noqa: F401 - np_utils' function
        else:
            from tf_keras.utils import np_utils  # noqa: F401 - the tutorial's import

    def reset_states():
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input(batch_shape=(1, 1, 3)), keras.layers.LSTM(4, stateful=True)]
        )
        model(sequences((1, 1, 3)))
        model.reset_states()

    imported = "tf_keras.utils import to_categorical" if control else "keras.utils import np_utils"
    return {
        f"from {imported}": not refused(tutorial_import, "np_utils"),
        "LSTM(..., batch_input_shape=(1, 1, 3), stateful=True)": not refused(
            lambda: _stateful(keras, 1, 1), "batch_input_shape"
        ),
        "model.reset_states()": not refused(reset_states, "reset_states"),
    }


@probe(
    "K3-05",
    "the same fit with a callback that resets the state before each batch: it ends with the "
    "last batch's state alone, nothing carried",
)
def stateful_fit(keras, control):
    x, y = sequences((6, 5, 3)), sequences((6, 1), seed=1)
    # row j of each batch continues row j of the batch before: three batches end to end
    carried = np.concatenate([x[0:2], x[2:4], x[4:6]], axis=1)
    holds = {}
    for kind in ("LSTM", "GRU"):
        keras.utils.set_random_seed(0)
        layer = getattr(keras.layers, kind)(4, stateful=True, batch_input_shape=(2, 5, 3))
        model = keras.Sequential([layer, keras.layers.Dense(1)])
        # a learning rate of 0 keeps the weights, so one pass can recompute the carried state
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
        reset = keras.callbacks.LambdaCallback(
            on_train_batch_begin=lambda *_, m=model: m.reset_states()
        )
        model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0,
                  callbacks=[reset] if control else [])  # fmt: skip
        whole = getattr(keras.layers, kind)(4)
        whole(carried)
        whole.set_weights(layer.get_weights())
        holds[f"{kind}: after fit its state is that of the three batches end to end"] = close(
            layer.states[0].numpy(), whole(carried).numpy()
        )
    return holds


@probe(
    "C004-09",
    "the same stateful copy with its state reset before every step: each step sees one input "
    "alone, so it differs from the full pass",
)
def one_step_generation(keras, control):
    holds = _chunks_continue(keras, 1, 12, 1, 3, "reset" if control else None)
    return {"12 one-step calls equal the 12-step forward pass": holds}


@probe(
    "C004-08",
    "the same model under LSTM(return_sequences=False) and a plain Dense: one softmax per "
    "sequence, not per step",
)
def time_distributed(keras, control):
    inputs = keras.Input((None, 5))
    hidden = keras.layers.LSTM(16, return_sequences=not control)(inputs)
    head = keras.layers.Dense(5, "softmax")
    model = keras.Model(inputs, (head if control else keras.layers.TimeDistributed(head))(hidden))
    ten = model.predict(sequences((3, 10, 5)), verbose=0)
    # then another step count, as the finding time_distributed_steps
    seven = model.predict(sequences((3, 7, 5), seed=1), verbose=0)
    return {
        "TimeDistributed(Dense(5)) after return_sequences gives (3, 10, 5)": ten.shape
        == (3, 10, 5),
        "each step's outputs sum to 1": close(ten.sum(-1), np.ones((3, 10))),
        "then 7 steps give (3, 7, 5)": seven.shape == (3, 7, 5),
    }


@probe("C002-01", "a GRU(32) in the LSTM's place: three gates and 1,295,585 parameters")
def imdb_parameters(keras, control):
    model = keras.Sequential(
        [
            keras.Input((80,)),
            keras.layers.Embedding(10000, 128),
            (keras.layers.GRU if control else keras.layers.LSTM)(32),
            keras.layers.Dense(1, "sigmoid"),
        ]
    )
    return {
        "1,300,641 parameters": model.count_params() == 1_300_641,
        "the Embedding gives 80 x 128 a review": model.layers[0].output_shape == (None, 80, 128),
    }


@probe("C002-03", "pad_sequences with padding='post': the zeros go at the end")
def padding_side(keras, control):
    padding = "post" if control else "pre"  # "pre" is the default the tutorial relies on
    padded = keras.preprocessing.sequence.pad_sequences([[5, 6, 7]], maxlen=5, padding=padding)
    return {"[5, 6, 7] -> [0, 0, 5, 6, 7]": padded.tolist() == [[0, 0, 5, 6, 7]]}


@probe(
    "C002-04",
    "pad_sequences with truncating='post': it keeps the first 80 words",
    known="confirmed",
)
def truncating_side(keras, control):
    truncating = "post" if control else "pre"  # "pre" is the default the tutorial relies on
    cut = keras.preprocessing.sequence.pad_sequences(
        [list(range(1, 101))], maxlen=80, truncating=truncating
    )
    return {"a 100-word review keeps its first 80 words": cut[0, 0] == 1 and cut[0, -1] == 80}


@probe(
    "Q07-01",
    "the same LSTM with recurrent_dropout=0.2 as well, which Keras 2 steps through its cell: "
    "one input mask for every step",
    known="confirmed",
)
def dropout_masks(keras, control):
    keras.utils.set_random_seed(0)
    ones = np.ones((4, 6, 8), dtype=np.float32)
    found, dropped, inference = {}, [], []
    for kind in ("SimpleRNN", "LSTM"):
        options = {"dropout": 0.5, "recurrent_dropout": 0.2 if control else 0.0}
        layer = readable_layer(keras, kind, 8, **options)
        zero = np.abs(layer(ones, training=True).numpy()) <= EQUAL
        found[f"{kind}: one input mask serves every step"] = bool(np.all(zero == zero[:, :1]))
        dropped.append(bool(zero.any()))
        inference.append(not (np.abs(layer(ones, training=False).numpy()) <= EQUAL).any())
    found["some inputs are dropped in training"] = all(dropped)
    found["inference drops nothing"] = all(inference)
    return found


@probe(
    "Q19-01",
    "the same calls with reset_states() before each call given initial_state, so that the "
    "stored state is zeros: Keras 2 then starts from the initial_state and all hold",
    known="confirmed",
)
def initial_state_on_stateful(keras, control):
    x = sequences((2, 7, 3))
    rng = np.random.default_rng(1)
    # tensors: Keras 2 takes a NumPy initial_state for a symbolic input
    start = [keras.backend.constant(rng.normal(size=(2, 4)), "float32") for _ in range(2)]
    keras.utils.set_random_seed(0)
    layer = keras.layers.LSTM(4, stateful=True, return_state=True)
    given = {"initial_state": start}

    def call_given():
        if control and layer.built:  # an unbuilt layer's state is zeros already
            layer.reset_states()
        return layer(x, **given)

    first, *_ = call_given()
    second, h, c = call_given()
    third = layer(x)[0]
    twin = keras.layers.LSTM(4)
    twin(x)
    twin.set_weights(layer.get_weights())
    continued = twin(x, initial_state=[h, c])
    layer.reset_states()
    after_reset = layer(x)[0]
    layer.reset_states(states=start)  # Keras 2 only: reset to given values
    after_given = layer(x)[0]
    return {
        "a second call repeats the first": close(first, second),
        "a call without initial_state continues from the last call's state": close(
            third, continued
        ),
        "after reset_states(), a call starts from zeros": close(after_reset, twin(x)),
        "after reset_states(states=s), a call starts from s": close(
            after_given, twin(x, initial_state=start)
        ),
    }


def _stateful_lstm(keras):
    """Sequential LSTM(4, stateful=True) on batches of 2 of 5 steps, compiled at learning rate
    0 so that fit keeps the weights a call uses."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.LSTM(4, stateful=True, batch_input_shape=(2, 5, 3))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    return model


def _states(layer):
    return [state.numpy() for state in layer.states]


@probe(
    "Q20-01",
    "the same predict and evaluate followed by reset_states(): the states are zeros, not a call's",
)
def loops_move_states(keras, control):
    x, y = sequences((2, 5, 3)), np.zeros((2, 4), dtype=np.float32)
    model = _stateful_lstm(keras)
    layer = model.layers[0]
    model(x)
    called = _states(layer)
    moved = {}
    for name, loop in [
        ("predict", lambda: model.predict(x, batch_size=2, verbose=0)),
        ("evaluate", lambda: model.evaluate(x, y, batch_size=2, verbose=0)),
    ]:
        layer.reset_states()
        loop()
        if control:
            layer.reset_states()
        moved[f"{name} leaves the state a call leaves"] = all(
            close(a, b) for a, b in zip(_states(layer), called)
        )
    return moved


@probe(
    "Q20-02",
    "the same fit without validation_data: the states are those of the training batch alone",
)
def validation_moves_states(keras, control):
    x, valid = sequences((2, 5, 3)), sequences((2, 5, 3), seed=1)
    y = np.zeros((2, 4), dtype=np.float32)
    model = _stateful_lstm(keras)
    layer = model.layers[0]
    model(x), model(valid)
    both = _states(layer)
    layer.reset_states()
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0,
              validation_data=None if control else (valid, y))  # fmt: skip
    return {
        "after fit the states are those the validation batch leaves": all(
            close(a, b) for a, b in zip(_states(layer), both)
        )
    }


@probe(
    "Q16-01",
    "initial_state given backward half first, and no mask: the halves start from each "
    "other's states and the padded steps move both",
)
def bidirectional_states(keras, control):
    keras.utils.set_random_seed(0)
    x = sequences((2, 4, 3))
    rng = np.random.default_rng(1)
    start = [keras.backend.constant(rng.normal(size=(2, 4)), "float32") for _ in range(4)]
    # random biases: zero steps read as data then move the state
    options = {"return_state": True, "bias_initializer": "random_normal"}
    both = keras.layers.Bidirectional(keras.layers.LSTM(4, **options))
    halves = [keras.layers.LSTM(4, **options), keras.layers.LSTM(4, go_backwards=True, **options)]
    both(x)
    for half, inside in zip(halves, (both.forward_layer, both.backward_layer)):
        half(x)
        half.set_weights(inside.get_weights())
    given = start[2:] + start[:2] if control else start
    ends = both(x, initial_state=given)
    padded = np.concatenate([x, np.zeros((2, 2, 3), dtype=np.float32)], 1)
    mask = None if control else keras.backend.constant(np.arange(6)[None].repeat(2, 0) < 4)
    padded_ends = both(padded, mask=mask)
    # the outputs, then h and c of the forward half, then h and c of the backward half
    forward, backward = halves
    return {
        "initial_state's first two start the forward half": close(
            ends[1], forward(x, initial_state=start[:2])[1]
        ),
        "its last two start the backward half": close(
            ends[3], backward(x, initial_state=start[2:])[1]
        ),
        "under a mask both halves end as on the real steps alone": close(
            padded_ends[1], forward(x)[1]
        )
        and close(padded_ends[3], backward(x)[1]),
    }


@probe("Q23-01", "Embedding(11, 3, mask_zero=True), one row more: indices 1..10 are read")
def embedding_index_range(keras, control):
    layer = keras.layers.Embedding(11 if control else 10, 3, mask_zero=True)
    ids = np.arange(1, 11, dtype=np.int32)[None]
    return {"Embedding(10, 3, mask_zero=True) refuses index 10": refused(
        lambda: layer(ids), "an index past the table")}  # fmt: skip


@probe("Q25-01", "the unrolled layer on the input reversed in time: other numbers than the loop")
def unrolled(keras, control):
    x = sequences((2, 5, 3))
    keras.utils.set_random_seed(0)
    loop = keras.layers.LSTM(4, return_sequences=True)
    unroll = keras.layers.LSTM(4, return_sequences=True, unroll=True)
    reference = loop(x)
    unroll(x)
    unroll.set_weights(loop.get_weights())
    fed = np.ascontiguousarray(x[:, ::-1]) if control else x
    return {"unroll=True gives the loop's numbers": close(unroll(fed), reference)}


@probe("Q25-02", "unroll=False on the same input: built, and it predicts on 5, 7 and 9 steps")
def unroll_unknown_length(keras, control):
    def build_and_predict():
        inputs = keras.Input(shape=(None, 3))
        model = keras.Model(inputs, keras.layers.LSTM(4, unroll=not control)(inputs))
        for steps in (5, 7, 9):
            model.predict(np.ones((2, steps, 3), dtype=np.float32), verbose=0)

    return {"the model on Input(shape=(None, 3)) is refused": refused(
        build_and_predict, "unroll on an unknown length")}  # fmt: skip


def measure(function, keras, control):
    """``(verdict, {observation: holds} or None, evidence)`` of one configuration: confirmed
    where every observation holds; a probe that raises (another exception than the one
    expected, or any failure) gives ``error`` with what it raised."""
    where = "its control" if control else "Keras 2"
    try:
        holds = {name: bool(value) for name, value in function(keras, control).items()}
    except Exception as error:  # noqa: BLE001 - the error is the verdict's evidence
        return "error", None, f"on {where} the probe raised {type(error).__name__}: {error}"[:400]
    failing = [name for name, value in holds.items() if not value]
    if failing:
        return "refuted", holds, f"on {where}: not: {'; '.join(failing)}"
    return "confirmed", holds, f"on {where} all {len(holds)} hold: {'; '.join(holds)}"


def judge(claim_id, keras):
    """One claim's entry of the run's metrics: its verdict beside its control's, *inconclusive*
    where the control did not come out as known or came out as the claim did."""
    probe_ = PROBES[claim_id]
    verdict, holds, evidence = measure(probe_.measure, keras, False)
    control, control_holds, control_evidence = measure(probe_.measure, keras, True)
    if verdict in OPPOSITE and (control != probe_.known or control == verdict):
        evidence = (
            f"inconclusive: the claim came out {verdict} and its control ({probe_.control}) "
            f"{control}, where {probe_.known} is known ({control_evidence}); {evidence}"
        )
        verdict = "inconclusive"
    return {
        "id": claim_id,
        "verdict": verdict,
        "observed": holds,
        "evidence": evidence,
        "control": {
            "configuration": probe_.control,
            "observed": control_holds,
            "known": probe_.known,
            "outcome": control,
            "evidence": control_evidence,
        },
    }


def run_probes(keras):
    """``[{id, verdict, observed, evidence, control}]``: every probe on this Keras 2."""
    return [judge(claim_id, keras) for claim_id in PROBES]
