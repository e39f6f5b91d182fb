"""The stateful tutorial's Keras 2 calls, run on the installed Keras.

Each probe runs the tutorial's call as written and records what it raises, with the error
Keras 3 is known to raise for it (measured on Keras 3.15.1); beside it runs the Keras 3 way
the lab uses instead, the claim's control, which is known to run.
"""

from lstm_lab.backend import keras
from lstm_lab.claims.compare import raised, same_error
from lstm_lab.training.states import reset_rnn_states


def _stateful_model():
    return keras.Sequential(
        [keras.Input(shape=(1, 1), batch_size=1), keras.layers.LSTM(4, stateful=True)]
    )


def _batch_input_shape():
    keras.layers.LSTM(50, batch_input_shape=(1, 1, 1), stateful=True)


def _input_with_batch_size():
    keras.Sequential(
        [keras.Input(shape=(1, 1), batch_size=1), keras.layers.LSTM(50, stateful=True)]
    )


def _np_utils():
    exec("from keras.utils import np_utils", {})  # the tutorial's line, verbatim


def _to_categorical():
    keras.utils.to_categorical([0, 1, 2], num_classes=26)


def _model_reset_states():
    _stateful_model().reset_states()


def _layer_reset_state():
    reset_rnn_states(_stateful_model())


def _time_major():
    keras.layers.LSTM(4, time_major=True)


def _transposed():
    sequences = keras.ops.transpose(keras.ops.ones((5, 2, 3)), (1, 0, 2))  # time first -> batch
    keras.layers.LSTM(4)(sequences)


# (tutorial call, its code, the error Keras 3.15.1 raises for it, the Keras 3 way, its code)
KERAS2_CALLS = [
    (
        "LSTM(50, batch_input_shape=(1, 1, 1), stateful=True)",
        _batch_input_shape,
        {
            "type": "ValueError",
            "match": r"^Unrecognized keyword arguments passed to LSTM: \{'batch_input_shape'",
        },
        "keras.Input(shape=(1, 1), batch_size=1) before LSTM(50, stateful=True)",
        _input_with_batch_size,
    ),
    (
        "from keras.utils import np_utils",
        _np_utils,
        {"type": "ImportError", "match": r"^cannot import name 'np_utils' from 'keras\.utils'"},
        "keras.utils.to_categorical (np_utils.to_categorical before)",
        _to_categorical,
    ),
    (
        "model.reset_states()",
        _model_reset_states,
        {"type": "AttributeError", "match": r"object has no attribute 'reset_states'$"},
        "layer.reset_state() on each stateful layer (lstm_lab.training.states.reset_rnn_states)",
        _layer_reset_state,
    ),
]


# the Keras 2 spellings Keras 3 removed (question Q21), each measured on its own
REMOVED = [
    KERAS2_CALLS[0],
    KERAS2_CALLS[2],
    (
        "LSTM(4, time_major=True)",
        _time_major,
        {"type": "ValueError", "match": r"^Unrecognized keyword arguments passed to LSTM: "
                                        r"\{'time_major'"},
        "the input transposed to batch first: keras.ops.transpose(x, (1, 0, 2))",
        _transposed,
    ),
]  # fmt: skip


def probe_keras2_calls(calls=KERAS2_CALLS):
    """One row per tutorial call: ``{"call", "raised", "known", "keras3", "keras3 raised"}``,
    what the call as written and the Keras 3 way raised (:func:`raised`: None when it ran)
    and the error known for the call."""
    return [
        {
            "call": call,
            "raised": raised(run),
            "known": known,
            "keras3": replacement,
            "keras3 raised": raised(run_keras3),
        }
        for call, run, known, replacement, run_keras3 in calls
    ]


def outcome(error):
    """``"runs"``, or the error :func:`raised` recorded, as ``"Type: message"``."""
    return "runs" if error is None else f"{error['type']}: {error['message']}"


def unknown_errors(rows):
    """The tutorial calls that raised another error than the one known for them (or one whose
    message differs), each as ``"call: why"``."""
    judged = [(row["call"], same_error(row["known"], row["raised"])) for row in rows]
    return [f"`{call}`: {result.failed}" for call, result in judged if result.failed]
