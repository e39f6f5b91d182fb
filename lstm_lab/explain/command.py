"""What a recurrent layer returns, named and proven on the spot (``lstm-lab explain``).

For every recurrent layer of a spec (:mod:`lstm_lab.explain.spec`) or of a saved ``.keras``
model, on the installed backend:

- each output in plain words ("backward direction, final cell state c") with its shape, the
  shape checked against the rules of :mod:`lstm_lab.probes.anatomy` (the rules experiment 02
  checks on 144 configurations);
- the identities between the outputs that hold on this run, checked numerically on random
  input, and the ones a reader might expect that do not hold ("the backward half of the last
  step is the backward final h");
- each output against a NumPy reference computed from the layer's weights with the equations
  of :mod:`lstm_lab.references.numpy_cells` (experiment 01's cells), masks and go_backwards
  included, so every name is proven, not asserted;
- the parameter count with its formula.
"""

import numpy as np

from lstm_lab.errors import BadInput, error_summary
from lstm_lab.probes.anatomy import (
    KINDS,
    STATES,
    expected_outputs,
    output_names,
    parameter_count,
)
from lstm_lab.references import numpy_cells

SAME = 1e-6  # Keras outputs compared with each other: the same numbers up to float32 noise
REFERENCE = 1e-5  # Keras (float32) against the NumPy reference (float64)
CELL_KINDS = {"LSTMCell": "LSTM", "GRUCell": "GRU", "SimpleRNNCell": "SimpleRNN"}


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
    elif name == "RNN" and type(inner.cell).__name__ in CELL_KINDS:
        kind, cell = CELL_KINDS[type(inner.cell).__name__], inner.cell
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


# -- the NumPy reference ------------------------------------------------------------------
MERGES = {  # Bidirectional's merge modes but concat
    "sum": lambda forward, backward: forward + backward,
    "mul": lambda forward, backward: forward * backward,
    "ave": lambda forward, backward: (forward + backward) / 2,
}


def _reference_direction(a, weights, x, mask, backwards):
    """Per-step outputs (in processing order), final h and final c of one direction, from
    the equations, with Keras's mask rule: a masked step keeps the state and repeats the
    previous output (or outputs zeros with ``zero_output_for_mask``)."""
    x = np.asarray(x, dtype=np.float64)
    batch, steps = x.shape[:2]
    units = a["units"]
    h, c = np.zeros((batch, units)), np.zeros((batch, units))
    previous, outputs = np.zeros((batch, units)), []
    for t in range(steps - 1, -1, -1) if backwards else range(steps):
        if a["kind"] == "LSTM":
            new_h, new_c = numpy_cells.lstm_step(x[:, t], h, c, weights)
        elif a["kind"] == "GRU":
            new_h, new_c = numpy_cells.gru_step(x[:, t], h, weights, a["reset_after"]), c
        else:
            new_h, new_c = numpy_cells.simple_rnn_step(x[:, t], h, weights), c
        keep = np.ones((batch, 1), bool) if mask is None else np.asarray(mask)[:, t][:, None]
        h, c = np.where(keep, new_h, h), np.where(keep, new_c, c)
        masked_output = np.zeros_like(h) if a["zero_output_for_mask"] else previous
        output = np.where(keep, new_h, masked_output)
        outputs.append(output)
        previous = output
    return np.stack(outputs, axis=1), h, c


def reference_outputs(layer, a, x, mask):
    """What the layer should return, from its weights: a list in Keras's order."""
    if a["wrapper"] == "none":
        directions = [(layer, a["go_backwards"])]
    else:
        directions = [(layer.forward_layer, False), (layer.backward_layer, True)]
    results = []
    for sublayer, backwards in directions:
        weights = [np.asarray(w, dtype=np.float64) for w in sublayer.get_weights()]
        sequence, h, c = _reference_direction(a, weights, x, mask, backwards)
        if backwards and a["wrapper"] != "none":
            sequence = sequence[:, ::-1]  # Bidirectional puts the backward sequence in input order
        output = sequence if a["return_sequences"] else h
        results.append((output, [h, c][: STATES[a["kind"]]]))
    if a["wrapper"] == "none":
        outputs = [results[0][0]]
    elif a["wrapper"] is None:
        outputs = [results[0][0], results[1][0]]
    else:
        forward, backward = results[0][0], results[1][0]
        if a["wrapper"] == "concat":
            outputs = [np.concatenate([forward, backward], axis=-1)]
        else:
            outputs = [MERGES[a["wrapper"]](forward, backward)]
    if a["return_state"]:
        outputs += [state for _, states in results for state in states]
    return outputs


# -- identities ---------------------------------------------------------------------------
def _difference(left, right):
    left, right = np.asarray(left, np.float64), np.asarray(right, np.float64)
    if left.shape != right.shape:
        return float("inf")
    return float(np.max(np.abs(left - right))) if left.size else 0.0


def identities(a, outputs, x, mask):
    """``[(statement, difference, tolerance, why)]``: relations between the outputs that a
    reader may rely on or may expect, each with its measured difference."""
    u, found = a["units"], []
    names = {i: f"[{i}]" for i in range(len(outputs))}

    def add(statement, left, right, why=""):
        found.append((statement, _difference(left, right), SAME, why))

    rs, bi = a["return_sequences"], a["wrapper"] != "none"
    first_state = 1 if a["wrapper"] is not None else 2
    if a["return_state"] and not bi:
        h = outputs[1]
        if rs:
            add(
                f"{names[0]}[:, -1] == {names[1]} final h",
                outputs[0][:, -1],
                h,
                "the last step of the sequence is the final h"
                + (" (with go_backwards the last step processed)" if a["go_backwards"] else ""),
            )
            add(
                f"{names[0]}[:, 0] == {names[1]} final h",
                outputs[0][:, 0],
                h,
                "the first row is the first step processed, not the final state",
            )
        else:
            add(
                f"{names[0]} == {names[1]} final h",
                outputs[0],
                h,
                "the default output is the final h",
            )
        if a["kind"] == "LSTM":
            add(
                f"{names[2]} final c == {names[1]} final h",
                outputs[2],
                h,
                "c is the cell's memory, not an output",
            )
    if bi and a["return_state"]:
        per = STATES[a["kind"]]
        forward_h, backward_h = outputs[first_state], outputs[first_state + per]
        fh, bh = names[first_state], names[first_state + per]
        if a["wrapper"] == "concat":
            out = outputs[0]
            if rs:
                add(
                    f"{names[0]}[:, -1, :{u}] == {fh} forward h",
                    out[:, -1, :u],
                    forward_h,
                    "the forward half ends at the last step",
                )
                add(
                    f"{names[0]}[:, 0, {u}:] == {bh} backward h",
                    out[:, 0, u:],
                    backward_h,
                    "the backward half ends at step 0, in input order",
                )
                add(
                    f"{names[0]}[:, -1, {u}:] == {bh} backward h",
                    out[:, -1, u:],
                    backward_h,
                    "at the last step the backward direction has read one step only",
                )
            else:
                add(f"{names[0]}[:, :{u}] == {fh} forward h", out[:, :u], forward_h)
                add(f"{names[0]}[:, {u}:] == {bh} backward h", out[:, u:], backward_h)
        if a["wrapper"] is None and not rs:
            add(f"{names[0]} == {fh} forward h", outputs[0], forward_h)
            add(f"{names[1]} == {bh} backward h", outputs[1], backward_h)
        if a["wrapper"] is None and rs:
            add(
                f"{names[0]}[:, -1] == {fh} forward h",
                outputs[0][:, -1],
                forward_h,
                "the forward sequence ends at the last step",
            )
            add(
                f"{names[1]}[:, 0] == {bh} backward h",
                outputs[1][:, 0],
                backward_h,
                "the backward sequence, in input order, ends at step 0",
            )
            add(
                f"{names[1]}[:, -1] == {bh} backward h",
                outputs[1][:, -1],
                backward_h,
                "at the last step the backward direction has read one step only",
            )
        if a["wrapper"] in MERGES:
            merge = MERGES[a["wrapper"]]
            last = outputs[0][:, -1] if rs else outputs[0]
            where = f"{names[0]}[:, -1]" if rs else names[0]
            add(
                f"{where} == {a['wrapper']}({fh} forward h, {bh} backward h)",
                last,
                merge(forward_h, backward_h),
                "at the last step the backward direction has read one step only"
                if rs
                else "without return_sequences each direction gives its final h",
            )
    if mask is not None and rs and a["wrapper"] in ("none", "concat", None):
        valid = np.asarray(mask).sum(axis=1)
        padded = [i for i in range(len(valid)) if 0 < valid[i] < np.asarray(mask).shape[1]]
        if padded and not a["go_backwards"]:
            row, last = padded[0], int(valid[padded[0]]) - 1
            out = np.asarray(outputs[0])
            label = names[0]
            if a["wrapper"] == "concat":
                out, label = out[..., :u], f"{names[0]}[..., :{u}]"
            forced = " (Bidirectional sets it when it returns sequences)" if bi else ""
            add(
                f"{label} at the padded steps == the last valid output",
                out[row, last + 1 :],
                np.broadcast_to(out[row, last], out[row, last + 1 :].shape),
                "zero_output_for_mask=False (a layer's default) repeats it",
            )
            add(
                f"{label} at the padded steps == 0",
                out[row, last + 1 :],
                np.zeros_like(out[row, last + 1 :]),
                f"zero_output_for_mask=True writes zeros{forced}",
            )
    return found


# -- one layer ----------------------------------------------------------------------------
def explain_layer(layer, x, mask, keras, description, mask_note=""):
    """The explanation of one recurrent ``layer`` called on ``x`` (with ``mask``): a dict
    ready for text, Markdown or JSON."""
    a = anatomy_of(layer)
    outputs = _run(layer, x, mask, keras)
    batch, steps, features = x.shape
    expected_shapes = expected_outputs(
        a["kind"],
        a["wrapper"],
        a["return_sequences"],
        a["return_state"],
        1,
        a["units"],
        batch,
        steps,
    )
    reference = reference_outputs(layer, a, x, mask)
    count, how = formula(a, features)
    rows = []
    for i, (name, output, shape, expected) in enumerate(
        zip(output_names(a), outputs, expected_shapes, reference)
    ):
        rows.append(
            {
                "index": i,
                "name": name,
                "shape": list(output.shape),
                "shape_by_the_rules": list(shape),
                "max_abs_difference_from_the_equations": _difference(output, expected),
            }
        )
    checks = [
        {"statement": s, "holds": d <= tol, "max_abs_difference": d, "tolerance": tol, "why": why}
        for s, d, tol, why in identities(a, outputs, x, mask)
    ]
    if a["rnn_of_cell"]:
        checks.append(_same_as_the_layer(layer, a, x, mask, outputs, keras))
    return {
        "layer": description,
        "input_shape": list(x.shape),
        "mask": mask_note if mask is not None else "",
        "outputs": rows,
        "identities": checks,
        "parameters": {"count_params": layer.count_params(), "formula": how, "by_formula": count},
        "reference_tolerance": REFERENCE,
    }


def _same_as_the_layer(layer, a, x, mask, outputs, keras):
    """RNN(LSTMCell(n)) against LSTM(n) with the same weights (K3-08)."""
    inner = layer.forward_layer if a["wrapper"] != "none" else layer
    built = getattr(keras.layers, a["kind"])(
        a["units"],
        return_sequences=a["return_sequences"],
        return_state=a["return_state"],
        go_backwards=a["go_backwards"],
        **({"reset_after": a["reset_after"]} if a["kind"] == "GRU" else {}),
    )
    plain = (
        keras.layers.Bidirectional(built, merge_mode=a["wrapper"])
        if a["wrapper"] != "none"
        else built
    )
    plain(x)
    plain.set_weights(layer.get_weights())
    other = _run(plain, x, mask, keras)
    difference = max(_difference(o, p) for o, p in zip(outputs, other))
    return {
        "statement": f"the same as {a['kind']}({a['units']}) with the same weights",
        "holds": difference <= SAME,
        "max_abs_difference": difference,
        "tolerance": SAME,
        "why": f"RNN({type(inner.cell).__name__}) is the layer's loop around the cell",
    }


def _run(layer, x, mask, keras):
    """The layer's outputs on ``x`` (with ``mask``, if any), as a list of NumPy arrays."""
    result = layer(x, mask=mask) if mask is not None else layer(x)
    result = result if isinstance(result, (list, tuple)) else [result]
    return [np.asarray(keras.ops.convert_to_numpy(t)) for t in result]


# -- a spec, or a saved model -------------------------------------------------------------
def random_input(shape, seed, padded):
    """Normal random input of ``shape``; with ``padded``, the first sample's last
    ``steps // 2`` steps are zeros (right padding, for a Masking layer to mask)."""
    x = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    if padded and shape[1] > 1:
        x[0, shape[1] - shape[1] // 2 :] = 0.0
    return x


def explain_spec(spec, input_shape=(2, 5, 3), seed=0):
    """Every recurrent layer of a :mod:`lstm_lab.explain.spec` spec, stacked, on random input."""
    from lstm_lab.backend import keras
    from lstm_lab.explain.spec import parse

    calls = parse(spec)
    keras.utils.set_random_seed(seed)
    x = random_input(input_shape, seed, padded=calls[0].name == "Masking")
    mask, explained = None, []
    for number, call in enumerate(calls):
        try:
            layer = call.build(keras)
        except (ValueError, TypeError) as error:
            raise BadInput(f"{call}: {error_summary(error)}")
        if call.name == "Masking":
            mask = np.asarray(keras.ops.convert_to_numpy(layer.compute_mask(x)))
            continue
        if x.ndim != 3:
            raise BadInput(
                f"{call} gets an input of shape {x.shape}: the layer below it needs "
                "return_sequences=True to hand it a sequence"
            )
        try:
            note = f"the first sample's last {x.shape[1] // 2} steps are zeros, masked by Masking()"
            explanation = explain_layer(layer, x, mask, keras, str(call), note)
        except (ValueError, TypeError) as error:
            raise BadInput(f"{call}: {error_summary(error)}")
        explained.append(explanation)
        if number < len(calls) - 1:
            a = anatomy_of(layer)
            if a["wrapper"] is None:
                raise BadInput(
                    f"{call}: merge_mode=None returns two tensors; only the top layer may have it"
                )
            x = _run(layer, x, mask, keras)[0]
            mask = mask if a["return_sequences"] else None
    return explained


def explain_saved_model(path, seed=0, batch=2):
    """Every recurrent layer of a saved ``.keras`` model, fed what the model feeds it on
    random input (integer ids for a model that starts with an Embedding)."""
    from lstm_lab.backend import keras

    try:
        model = keras.saving.load_model(path)
    except Exception as error:  # a missing, corrupt or foreign file: Keras raises many kinds
        raise BadInput(f"cannot load {path} as a Keras model ({error_summary(error)[:200]})")
    shape = tuple(batch if d is None else d for d in model.inputs[0].shape)
    if None in shape:
        raise BadInput(f"{path}: its input shape {model.inputs[0].shape} has an unknown length")
    embeddings = [layer for layer in model.layers if type(layer).__name__ == "Embedding"]
    rng = np.random.default_rng(seed)
    if embeddings:
        x = rng.integers(1, embeddings[0].input_dim, size=shape).astype(np.int32)
    else:
        x = rng.normal(size=shape).astype(np.float32)
    # Walk the layers in order, each fed the one before and its mask: exact for a chain of
    # layers (a Sequential model, or a functional one without branches), checked at the end.
    explained, value, mask = [], x, None
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        if anatomy_of(layer) is not None:
            name = f"{type(layer).__name__} '{layer.name}'"
            note = "with the mask the model's own layers compute"
            explained.append(explain_layer(layer, value, mask, keras, name, note))
        outputs = _run(layer, value, mask if layer.supports_masking else None, keras)
        mask = (
            layer.compute_mask(value, mask)
            if layer.supports_masking or hasattr(layer, "mask_zero")
            else None
        )
        mask = None if mask is None else np.asarray(keras.ops.convert_to_numpy(mask))
        value = outputs[0]
    whole = _run(model, x, None, keras)[0]
    if whole.shape != value.shape or _difference(whole, value) > SAME:
        raise BadInput(
            f"{path}: its layers do not form a chain (branches or several inputs); "
            "explain a layer of it with a spec instead"
        )
    if not explained:
        raise BadInput(f"{path} has no LSTM, GRU, SimpleRNN, RNN or Bidirectional layer")
    return explained


# -- rendering ----------------------------------------------------------------------------
def _verdict(check):
    return "holds" if check["holds"] else "does not hold"


def _heading(e):
    """``"LSTM(3) on input (2, 5, 3) (how it is masked)"``."""
    return f"{e['layer']} on input {tuple(e['input_shape'])}" + (
        f" ({e['mask']})" if e["mask"] else ""
    )


def _against_the_rules(row):
    if row["shape"] == row["shape_by_the_rules"]:
        return ""
    return f"; NOT the shape the rules give, {tuple(row['shape_by_the_rules'])}"


def render_text(explained):
    lines = []
    for number, e in enumerate(explained, 1):
        p = e["parameters"]
        lines += [
            f"layer {number}: {_heading(e)}",
            f"  parameters: {p['formula']} (count_params: {p['count_params']})",
            "  outputs (shape; largest difference from the layer's equations in NumPy):",
        ]
        for row in e["outputs"]:
            lines.append(
                f"    [{row['index']}] {str(tuple(row['shape'])):14s} {row['name']} "
                f"({row['max_abs_difference_from_the_equations']:.1g}{_against_the_rules(row)})"
            )
        lines.append(f"  identities (max abs difference, tolerance {SAME:g}):")
        if not e["identities"]:
            lines.append("    none: with one output there is nothing to relate")
        for check in e["identities"]:
            why = f": {check['why']}" if check["why"] else ""
            lines.append(
                f"    {_verdict(check):14s} {check['statement']} "
                f"({check['max_abs_difference']:.2g}){why}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(explained):
    from lstm_lab.report.markdown import markdown_table

    parts = []
    for number, e in enumerate(explained, 1):
        p = e["parameters"]
        parts += [
            f"**Layer {number}:** {_heading(e)}",
            "",
            markdown_table(
                ["output", "shape", "what it is", "vs the equations"],
                [
                    [
                        f"[{r['index']}]",
                        str(tuple(r["shape"])),
                        r["name"],
                        f"{r['max_abs_difference_from_the_equations']:.1g}",
                    ]
                    for r in e["outputs"]
                ],
            ),
            "",
            markdown_table(
                ["identity", "on this run", "max abs difference", "why"],
                [
                    [f"`{c['statement']}`", _verdict(c), f"{c['max_abs_difference']:.2g}", c["why"]]
                    for c in e["identities"]
                ],
            ),
            "",
            f"Parameters: {p['formula']} (`count_params()`: {p['count_params']}).",
            "",
        ]
    return "\n".join(parts).rstrip() + "\n"
