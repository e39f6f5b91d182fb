"""The stateful tutorial's Keras 2 calls, run on the installed Keras (claim C004-11).

Each probe runs the tutorial's call as written and records what happens: it
runs, or the exception and its message. Beside it stands the Keras 3 way the
lab uses instead.
"""

from lstm_lab.backend import keras
from lstm_lab.errors import error_summary


def _batch_input_shape():
    keras.layers.LSTM(50, batch_input_shape=(1, 1, 1), stateful=True)


def _np_utils():
    exec("from keras.utils import np_utils", {})  # the tutorial's line, verbatim


def _model_reset_states():
    model = keras.Sequential(
        [keras.Input(shape=(1, 1), batch_size=1), keras.layers.LSTM(4, stateful=True)]
    )
    model.reset_states()


KERAS2_CALLS = [
    (
        "LSTM(50, batch_input_shape=(1, 1, 1), stateful=True)",
        _batch_input_shape,
        "keras.Input(shape=(1, 1), batch_size=1) before LSTM(50, stateful=True)",
    ),
    (
        "from keras.utils import np_utils",
        _np_utils,
        "keras.utils.to_categorical (np_utils.to_categorical before)",
    ),
    (
        "model.reset_states()",
        _model_reset_states,
        "layer.reset_state() on each stateful layer (lstm_lab.training.states.reset_rnn_states)",
    ),
]


def probe_keras2_calls():
    """One row per tutorial call: ``{"call", "runs", "outcome", "keras3"}``."""
    rows = []
    for call, run, replacement in KERAS2_CALLS:
        try:
            run()
            runs, outcome = True, "runs"
        except Exception as error:  # what it raises is the finding
            runs, outcome = False, error_summary(error)
        rows.append({"call": call, "runs": runs, "outcome": outcome, "keras3": replacement})
    return rows
