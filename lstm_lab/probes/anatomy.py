"""What Keras's recurrent layers return and how many parameters they have, predicted by
rule and checked against the layers (experiment 02).

The rules, for ``units`` u, ``features`` f, batch B and T time steps:

- output: (B, T, u') with ``return_sequences=True``, else (B, u'); u' = u, or 2u for a
  ``Bidirectional`` layer with ``merge_mode="concat"``; ``merge_mode=None`` returns the
  forward and the backward outputs as two tensors of u features;
- ``return_state=True`` adds the final states after the output(s), each (B, u): one for
  SimpleRNN and GRU (h), two for LSTM (h, c); a Bidirectional layer adds the forward
  states, then the backward ones;
- two stacked layers: the lower one returns sequences (and, with ``merge_mode=None``,
  concatenates, as it must hand one tensor up); the upper one has the flags above;
- parameters: SimpleRNN u(f + u + 1); LSTM 4u(f + u + 1); GRU 3u(f + u + 1), plus 3u
  with ``reset_after=True`` (Keras's default: a second bias row, for the recurrent
  part); a Bidirectional layer has twice its layer's.
"""

import itertools

import numpy as np

from lstm_lab.backend import keras
from lstm_lab.claims.compare import raised

KINDS = ("SimpleRNN", "GRU", "LSTM")
STATES = {"SimpleRNN": 1, "GRU": 1, "LSTM": 2}
CELLS = {f"{kind}Cell": kind for kind in KINDS}  # RNN(cell) runs the layer of its kind
WRAPPERS = ("none", "concat", "sum", "mul", "ave", None)  # "none": no Bidirectional wrapper


def parameter_count(kind, units, features, reset_after=True):
    """The formula for one (unwrapped) layer."""
    per_gate = units * (features + units + 1)
    if kind == "SimpleRNN":
        return per_gate
    if kind == "LSTM":
        return 4 * per_gate
    if kind == "GRU":
        return 3 * per_gate + (3 * units if reset_after else 0)
    raise ValueError(f"unknown layer kind {kind!r}")


def _output_width(units, wrapper):
    return 2 * units if wrapper == "concat" else units


def expected_outputs(kind, wrapper, return_sequences, return_state, layers, units, batch, steps):
    """The shapes the rules predict, in the order Keras returns them."""
    width = _output_width(units, wrapper)
    output = (batch, steps, width) if return_sequences else (batch, width)
    outputs = [output] if wrapper is not None else [output[:-1] + (units,)] * 2
    if return_state:
        directions = 1 if wrapper == "none" else 2
        outputs += [(batch, units)] * (STATES[kind] * directions)
    return outputs


def output_names(a):
    """Each output's name in plain words, in the order Keras returns them (the rules above).
    ``a``: ``{kind, units, wrapper, return_sequences, return_state, go_backwards}``, as
    :func:`anatomy_of` reads them from a layer."""
    u = a["units"]
    every = "h at every step"
    if a["go_backwards"]:
        every += ", in processing order: row 0 is the last input step"
    if a["wrapper"] == "none":
        names = [f"the output: {every}" if a["return_sequences"] else "the output: the final h"]
    elif a["wrapper"] is None:
        what = every if a["return_sequences"] else "the final h"
        names = [
            f"forward direction, output: {what}",
            f"backward direction, output: {what}"
            + (" (in input order)" if a["return_sequences"] else ""),
        ]
    elif a["wrapper"] == "concat":
        what = "at every step (the backward half in input order)" if a["return_sequences"] else ""
        names = [
            f"forward and backward outputs side by side {what}: [..., :{u}] forward, "
            f"[..., {u}:] backward".replace("  ", " ")
        ]
    else:
        names = [
            f"the {a['wrapper']} of the forward and backward outputs"
            + (" at every step" if a["return_sequences"] else "")
        ]
    if a["return_state"]:
        states = ["final h", "final cell state c"][: STATES[a["kind"]]]
        if a["wrapper"] == "none":
            names += states
        else:
            names += [f"forward direction, {s}" for s in states]
            names += [f"backward direction, {s}" for s in states]
    return names


def expected_parameters(kind, wrapper, layers, units, features):
    directions = 1 if wrapper == "none" else 2
    lower_width = _output_width(units, "concat" if wrapper is None else wrapper)
    count = directions * parameter_count(kind, units, features)
    if layers == 2:
        count += directions * parameter_count(kind, units, lower_width)
    return count


def _recurrent(kind, units, wrapper, **flags):
    layer = getattr(keras.layers, kind)(units, **flags)
    if wrapper == "none":
        return layer
    return keras.layers.Bidirectional(layer, merge_mode=wrapper)


def build(kind, wrapper, return_sequences, return_state, layers, units, steps, features):
    inputs = keras.Input(shape=(steps, features))
    x = inputs
    if layers == 2:
        lower_wrapper = "concat" if wrapper is None else wrapper
        x = _recurrent(kind, units, lower_wrapper, return_sequences=True)(x)
    outputs = _recurrent(
        kind, units, wrapper, return_sequences=return_sequences, return_state=return_state
    )(x)
    return keras.Model(inputs, outputs)


def shape_table(units=3, batch=2, steps=7, features=5, kinds=KINDS, seed=0):
    """Every combination, built, run on random data and compared with the rules.

    Returns one dict per combination with the expected and observed shapes and parameter
    counts and whether they agree; ``swapped_expected`` is the prediction for the other
    ``return_sequences`` setting (the control: no row may agree with it).
    """
    x = np.random.default_rng(seed).normal(size=(batch, steps, features)).astype(np.float32)
    rows = []
    for kind, wrapper, return_sequences, return_state, layers in itertools.product(
        kinds, WRAPPERS, (False, True), (False, True), (1, 2)
    ):
        model = build(kind, wrapper, return_sequences, return_state, layers, units, steps, features)
        result = model(x)
        observed = [
            tuple(t.shape) for t in (result if isinstance(result, (list, tuple)) else [result])
        ]
        expected, swapped = (
            expected_outputs(kind, wrapper, sequences, return_state, layers, units, batch, steps)
            for sequences in (return_sequences, not return_sequences)
        )
        rows.append(
            {
                "layer": kind,
                "wrapper": "Bidirectional " + str(wrapper) if wrapper != "none" else "–",
                "return_sequences": return_sequences,
                "return_state": return_state,
                "layers": layers,
                "expected": expected,
                "swapped_expected": swapped,
                "observed": observed,
                "expected_parameters": expected_parameters(kind, wrapper, layers, units, features),
                "observed_parameters": model.count_params(),
            }
        )
    for row in rows:
        row["shapes_agree"] = row["expected"] == row["observed"]
        row["parameters_agree"] = row["expected_parameters"] == row["observed_parameters"]
    return rows


def parameter_table(sizes=((1, 1), (5, 3), (100, 20)), use_bias=True):
    """Formula against ``count_params`` for each layer kind, both GRU modes, several sizes;
    ``use_bias=False`` (the control) builds layers the formulas do not describe."""
    rows = []
    for (features, units), (kind, reset_after) in itertools.product(
        sizes, [("SimpleRNN", True), ("GRU", True), ("GRU", False), ("LSTM", True)]
    ):
        options = {"reset_after": reset_after} if kind == "GRU" else {}
        options["use_bias"] = use_bias
        layer = getattr(keras.layers, kind)(units, **options)
        layer.build((None, None, features))
        name = f"GRU (reset_after={reset_after})" if kind == "GRU" else kind
        rows.append(
            {
                "layer": name,
                "features": features,
                "units": units,
                "formula": parameter_count(kind, units, features, reset_after),
                "count_params": layer.count_params(),
            }
        )
    return rows


def parameters_by_sequence_length(lengths=(5, 50, None), units=20, features=100, recurrent=True):
    """``{length: count_params()}`` of SimpleRNN(units) on ``features``, whose one
    set of weights serves every step; ``recurrent=False`` (the control) puts Flatten and
    Dense(units) in its place, whose weights grow with the (fixed) length."""
    counts = {}
    for length in lengths:
        layers = [keras.layers.SimpleRNN(units)]
        if not recurrent:
            layers = [keras.layers.Flatten(), keras.layers.Dense(units)]
        model = keras.Sequential([keras.Input(shape=(length, features)), *layers])
        counts[str(length)] = model.count_params()
    return counts


def stacking_error(lower_returns_sequences=False, units=3, steps=7, features=5):
    """What Keras raises when an LSTM is put on an LSTM with ``return_sequences``
    ``lower_returns_sequences``: :func:`lstm_lab.claims.compare.raised`'s dictionary, or
    None when it builds."""
    inputs = keras.Input(shape=(steps, features))
    lower = keras.layers.LSTM(units, return_sequences=lower_returns_sequences)
    return raised(lambda: keras.layers.LSTM(units)(lower(inputs)))


def state_counts(kinds=("GRU", "LSTM"), return_state=True, units=3, steps=7, features=5):
    """``{kind: how many state arrays the layer returns after its output}``, counted on a
    call; with ``return_state=False`` (the control) there are none to count."""
    x = np.zeros((2, steps, features), dtype=np.float32)
    counts = {}
    for kind in kinds:
        result = getattr(keras.layers, kind)(units, return_state=return_state)(x)
        counts[kind] = len(result) - 1 if isinstance(result, (list, tuple)) else 0
    return counts


def stacked_simple_rnn_shapes(layers_options=(1, 2), batch=3, steps=10, features=100, units=20):
    """``{layers: "out (3, 10, 20), h (3, 20), ..."}`` for ``layers`` stacked
    ``SimpleRNN(units, return_sequences=True, return_state=True)``: the Keras side of seed
    003's ``nn.RNN`` shapes."""
    shapes = {}
    for layers in layers_options:
        inputs = keras.Input(shape=(steps, features), batch_size=batch)
        x, states = inputs, []
        for _ in range(layers):
            x, h = keras.layers.SimpleRNN(units, return_sequences=True, return_state=True)(x)
            states.append(h)
        state_shapes = ", ".join(f"h {tuple(h.shape)}" for h in states)
        shapes[layers] = f"out {tuple(x.shape)}, {state_shapes}"
    return shapes


# -- what a built layer is (lstm-lab explain) ----------------------------------------------
# -- what the layer is --------------------------------------------------------------------
def anatomy_of(layer):
    """``{kind, units, wrapper, return_sequences, return_state, go_backwards, reset_after,
    zero_output_for_mask, directions, rnn_of_cell}`` for an LSTM, GRU, SimpleRNN, RNN(cell)
    or Bidirectional layer; None for any other layer."""
    wrapper = "none"
    inner = layer
    if type(layer).__name__ == "Bidirectional":
        wrapper = layer.merge_mode
        inner = layer.forward_layer
    name = type(inner).__name__
    if name in KINDS:
        kind, cell = name, inner.cell
    elif name == "RNN" and type(inner.cell).__name__ in CELLS:
        kind, cell = CELLS[type(inner.cell).__name__], inner.cell
    else:
        return None
    return {
        "kind": kind,
        "units": cell.units,
        "wrapper": wrapper,
        "return_sequences": inner.return_sequences,
        "return_state": inner.return_state,
        "go_backwards": inner.go_backwards if wrapper == "none" else False,
        "reset_after": getattr(cell, "reset_after", True),
        "zero_output_for_mask": inner.zero_output_for_mask,
        "directions": 1 if wrapper == "none" else 2,
        "rnn_of_cell": name == "RNN",
    }


def formula(a, features):
    """The parameter count and how it is made up."""
    single = parameter_count(a["kind"], a["units"], features, a["reset_after"])
    gates = {"SimpleRNN": "", "LSTM": "4 x ", "GRU": "3 x "}[a["kind"]]
    text = f"{gates}{a['units']} x ({features} + {a['units']} + 1)"
    if a["kind"] == "GRU" and a["reset_after"]:
        text += f" + 3 x {a['units']} (reset_after: a second bias row)"
    if a["directions"] == 2:
        return 2 * single, f"2 directions x [{text}] = {2 * single}"
    return single, f"{text} = {single}"
