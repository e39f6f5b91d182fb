"""What a recurrent layer does with its states from call to call, measured on random inputs
(experiment 10): handing states over, an explicit initial_state on a stateful layer, which
of Keras's loops move a stateful layer's states, and the cell state at every step.

Each function returns plain numbers and booleans: differences as floats, and for the
checks ``{observation: holds}``."""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy
from lstm_lab.claims.compare import raised

EQUAL = 1e-6  # float32: two computations of the same function agree within this


def largest_difference(a, b):
    """:func:`max_abs_difference` of two backend tensors (or arrays)."""
    return max_abs_difference(to_numpy(a), to_numpy(b))


def _inputs(seed, shape=(2, 7, 3)):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def hand_over(seed, split=4, carry=True):
    """The largest difference between an LSTM run on ``x[:, split:]`` from ``initial_state``
    = the states it ended ``x[:, :split]`` with (``carry``; else from zeros) and the same
    LSTM run on all of ``x``, from step ``split`` on."""
    keras.utils.set_random_seed(seed)
    x = _inputs(seed)
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    whole = layer(x)[0]
    _, h, c = layer(x[:, :split])
    rest = layer(x[:, split:], initial_state=[h, c] if carry else None)[0]
    return largest_difference(rest, to_numpy(whole)[:, split:])


def stateful_calls(seed, initial_state=True):
    """A stateful LSTM called twice on the same input, both times with the same explicit
    ``initial_state`` (or none), then once more without one, then after ``reset_state()``:
    whether the second call repeats the first, whether the third continues from the state
    the second left, and whether the last starts from zeros."""
    keras.utils.set_random_seed(seed)
    x = _inputs(seed)
    rng = np.random.default_rng(seed + 1)
    start = [rng.normal(size=(2, 4)).astype(np.float32) for _ in range(2)]
    layer = keras.layers.LSTM(4, stateful=True, return_state=True)
    given = {"initial_state": start} if initial_state else {}
    first, h, c = layer(x, **given)
    second, h, c = layer(x, **given)
    third = layer(x)[0]
    twin = keras.layers.LSTM(4)
    twin(x)
    twin.set_weights(layer.get_weights())
    continued = twin(x, initial_state=[to_numpy(h), to_numpy(c)])
    layer.reset_state()
    after_reset = layer(x)[0]
    return {
        "a second call repeats the first": largest_difference(first, second) <= EQUAL,
        "a call without initial_state continues from the last call's state": largest_difference(
            third, continued
        )
        <= EQUAL,
        "after reset_state(), a call starts from zeros": largest_difference(after_reset, twin(x))
        <= EQUAL,
    }


def loops_move_states(seed, reset_after=False):
    """A stateful LSTM model after ``predict`` and after ``evaluate`` on one batch, each from
    zero states: whether its layer's states are then those of a call on the same batch (then
    reset, with ``reset_after``)."""
    x = _inputs(seed, (2, 5, 3))
    y = np.zeros((2, 4), dtype=np.float32)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input(shape=(5, 3), batch_size=2), keras.layers.LSTM(4, stateful=True)]
    )
    model.compile(loss="mse")
    layer = model.layers[0]
    layer.reset_state()
    model(x)
    called = [to_numpy(v) for v in layer.states]
    moved = {}
    for name, loop in [
        ("predict", lambda: model.predict(x, batch_size=2, verbose=0)),
        ("evaluate", lambda: model.evaluate(x, y, batch_size=2, verbose=0)),
    ]:
        layer.reset_state()
        loop()
        if reset_after:
            layer.reset_state()
        after = [to_numpy(v) for v in layer.states]
        moved[f"{name} leaves the state a call leaves"] = all(
            largest_difference(a, b) <= EQUAL for a, b in zip(after, called)
        )
    return moved


def cell_state_every_step(seed, kind="LSTM"):
    """The layer's sequence output and final states against its own cell stepped in a Python
    loop: whether the sequence is the loop's h at every step, the final states the loop's
    last, and whether the sequence is the loop's last state (c for an LSTM) at every step."""
    keras.utils.set_random_seed(seed)
    x = _inputs(seed)
    layer = getattr(keras.layers, kind)(4, return_sequences=True, return_state=True)
    sequence, *final = layer(x)
    states = [np.zeros((2, 4), dtype=np.float32) for _ in final]
    outputs, last_states = [], []
    for t in range(x.shape[1]):
        output, states = layer.cell(x[:, t], states)
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        outputs.append(to_numpy(output))
        last_states.append(to_numpy(states[-1]))
    sequence = to_numpy(sequence)
    return {
        "the sequence output is the cell's h at every step": largest_difference(
            sequence, np.stack(outputs, 1)
        )
        <= EQUAL,
        "the final states are the cell's after the last step": all(
            largest_difference(f, s) <= EQUAL for f, s in zip(final, states)
        ),
        "the sequence output is the cell's last state at every step": largest_difference(
            sequence, np.stack(last_states, 1)
        )
        <= EQUAL,
    }


def activation_range(seed, activation="relu", scale=10.0):
    """An LSTM with ``activation`` on 20 steps of inputs drawn ``scale`` times wider than
    a standard normal: whether h (at every step) and the final c are never negative, and
    whether h goes past 1."""
    keras.utils.set_random_seed(seed)
    x = _inputs(seed, (4, 20, 3)) * scale
    layer = keras.layers.LSTM(8, activation=activation, return_sequences=True, return_state=True)
    sequence, _, c = (to_numpy(t) for t in layer(x))
    return {
        "h and c are never negative": bool(sequence.min() >= 0 and c.min() >= 0),
        "h goes past 1": bool(np.abs(sequence).max() > 1),
    }


def bidirectional_states(seed, swapped=False, masked=True):
    """``Bidirectional(LSTM(4, return_state=True))`` against two LSTMs with its two halves'
    weights (the second with ``go_backwards=True``): whether the first two states of an
    ``initial_state`` of four start the forward half and the last two the backward half
    (``swapped``: the four given in the order backward, forward), and whether under a mask
    (``masked``) both halves on 4 steps padded with 2 zero steps end where they end on the 4
    steps alone."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed + 1)
    x = _inputs(seed, (2, 4, 3))
    start = [rng.normal(size=(2, 4)).astype(np.float32) for _ in range(4)]
    given = start[2:] + start[:2] if swapped else start
    # random biases: zero steps read as data then move the state
    options = {"return_state": True, "bias_initializer": "random_normal"}
    both = keras.layers.Bidirectional(keras.layers.LSTM(4, **options))
    forward, backward = (
        keras.layers.LSTM(4, **options),
        keras.layers.LSTM(4, go_backwards=True, **options),
    )
    both(x), forward(x), backward(x)
    forward.set_weights(both.forward_layer.get_weights())
    backward.set_weights(both.backward_layer.get_weights())
    _, h_f, _, h_b, _ = both(x, initial_state=given)
    padded = np.concatenate([x, np.zeros((2, 2, 3), dtype=np.float32)], 1)
    mask = np.arange(6)[None].repeat(2, 0) < 4 if masked else None
    _, padded_f, _, padded_b, _ = both(padded, mask=mask)
    return {
        "initial_state's first two start the forward half": largest_difference(
            h_f, forward(x, initial_state=start[:2])[1]
        )
        <= EQUAL,
        "its last two start the backward half": largest_difference(
            h_b, backward(x, initial_state=start[2:])[1]
        )
        <= EQUAL,
        "under a mask both halves end as on the real steps alone": largest_difference(
            padded_f, forward(x)[1]
        )
        <= EQUAL
        and largest_difference(padded_b, backward(x)[1]) <= EQUAL,
    }


def validation_moves_states(seed, validation=True):
    """A stateful LSTM model fit for one epoch on one batch at learning rate 0 (so that its
    weights, and a call's states, stay as they were), with a batch of ``validation`` data or
    without: whether its states after fit are those of a call on the training batch followed
    by a call on the validation batch, and what fit raised (None if it ran)."""
    x, valid = _inputs(seed, (2, 5, 3)), _inputs(seed + 1, (2, 5, 3))
    y = np.zeros((2, 4), dtype=np.float32)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input(shape=(5, 3), batch_size=2), keras.layers.LSTM(4, stateful=True)]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    layer = model.layers[0]
    model(x), model(valid)
    both = [to_numpy(v) for v in layer.states]
    layer.reset_state()
    error = raised(lambda: model.fit(
        x, y, batch_size=2, epochs=1, shuffle=False, verbose=0,
        validation_data=(valid, y) if validation else None))  # fmt: skip
    after = [to_numpy(v) for v in layer.states]
    holds = error is None and all(largest_difference(a, b) <= EQUAL for a, b in zip(after, both))
    return {"after fit the states are those the validation batch leaves": holds}, error
