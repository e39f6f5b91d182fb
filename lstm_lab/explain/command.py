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
- the parameter count with its formula;
- what a call leaves behind: whether a second call on the same input returns the first one's
  outputs (not where the layer is stateful and carries its state), what ``reset_state()``
  restores and whether a stateful layer refuses another batch size; and, for
  ``go_backwards=True``, that the layer reads the input from its last step, giving the
  outputs of the same weights without it on the input reversed in time.
"""

import numpy as np

from lstm_lab.errors import BadInput, error_summary
from lstm_lab.explain.identities import REFERENCE, SAME, difference, identities
from lstm_lab.probes.anatomy import (
    anatomy_of,
    expected_outputs,
    formula,
    output_names,
)
from lstm_lab.references.numpy_cells import reference_outputs


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
                "max_abs_difference_from_the_equations": difference(output, expected),
            }
        )
    checks = [
        {"statement": s, "holds": d <= tol, "max_abs_difference": d, "tolerance": tol, "why": why}
        for s, d, tol, why in identities(a, outputs, x, mask)
    ]
    if a["rnn_of_cell"]:
        checks.append(_same_as_the_layer(layer, a, x, mask, outputs, keras))
    if a["go_backwards"] and a["wrapper"] == "none":
        checks += _reading_order(layer, x, mask, outputs, keras)
    checks += _state_from_call_to_call(layer, x, mask, outputs, keras)
    return {
        "keras": f"Keras {keras.__version__} on {keras.backend.backend()}",
        "layer": description,
        "input_shape": list(x.shape),
        "mask": mask_note if mask is not None else "",
        "outputs": rows,
        "identities": checks,
        "parameters": {"count_params": layer.count_params(), "formula": how, "by_formula": count},
        "reference_tolerance": REFERENCE,
    }


def _same_as_the_layer(layer, a, x, mask, outputs, keras):
    """RNN(LSTMCell(n)) against LSTM(n) with the same weights."""
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
    gap = max(difference(o, p) for o, p in zip(outputs, other))
    return {
        "statement": f"the same as {a['kind']}({a['units']}) with the same weights",
        "holds": gap <= SAME,
        "max_abs_difference": gap,
        "tolerance": SAME,
        "why": f"RNN({type(inner.cell).__name__}) is the layer's loop around the cell",
    }


def _check(statement, gap, why_if_holds, why_if_not):
    holds = gap <= SAME
    return {
        "statement": statement,
        "holds": holds,
        "max_abs_difference": gap,
        "tolerance": SAME,
        "why": why_if_holds if holds else why_if_not,
    }


def _reading_order(layer, x, mask, outputs, keras):
    """go_backwards=True against a copy without it, on the input reversed in time (the claim)
    and as given (its control)."""
    config = {**layer.get_config(), "go_backwards": False, "stateful": False}
    forward = type(layer).from_config(config)
    forward(x)
    forward.set_weights(layer.get_weights())
    reversed_mask = None if mask is None else mask[:, ::-1]
    checks = []
    for given, given_mask, how in [
        (x[:, ::-1], reversed_mask, "reversed in time"),
        (x, mask, "as given"),
    ]:
        other = _run(forward, np.ascontiguousarray(given), given_mask, keras)
        gap = max(difference(o, p) for o, p in zip(outputs, other))
        checks.append(
            _check(
                f"the same weights without go_backwards, on the input {how}, return these outputs",
                gap,
                "go_backwards=True reads the last step first; a sequence output comes in that "
                "reading order, its first step having seen only the input's last",
                "the order in which the steps are read changes every output",
            )
        )
    return checks


def _state_from_call_to_call(layer, x, mask, first, keras):
    """A second call on the same input; for a layer that carries its state, a call after
    ``reset_state()`` and a call with a batch one larger."""
    second = _run(layer, x, mask, keras)
    gap = max(difference(a, b) for a, b in zip(first, second))
    checks = [
        _check(
            "a second call on the same input returns the first call's outputs",
            gap,
            "each call starts from zero states: nothing is carried from call to call",
            "the second call started from the state the first one left (stateful=True): "
            "the state is carried from call to call until reset_state()",
        )
    ]
    if gap <= SAME:
        return checks
    layer.reset_state()
    after_reset = _run(layer, x, mask, keras)
    checks.append(
        _check(
            "after reset_state(), a call returns the first call's outputs",
            max(difference(a, b) for a, b in zip(first, after_reset)),
            "reset_state() sets the states back to zeros, where the first call began",
            "reset_state() did not bring the states back to where the first call began",
        )
    )
    larger = np.concatenate([x, x[:1]])
    larger_mask = None if mask is None else np.concatenate([mask, mask[:1]])
    try:
        _run(layer, larger, larger_mask, keras)
        refused = None
    except Exception as error:  # what Keras (or the backend) does is the measurement
        refused = error_summary(error)
    layer.reset_state()
    checks.append(
        {
            "statement": f"a call with a batch of {len(larger)}, not {len(x)}, is refused",
            "holds": refused is not None,
            "max_abs_difference": None,
            "tolerance": None,
            "why": f"a stateful layer's batch size is fixed by its first call: "
            f"{refused.split(' - ')[0][:200]}"
            if refused
            else "accepted: this Keras does not check a stateful layer's batch size",
        }
    )
    return checks


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
    if whole.shape != value.shape or difference(whole, value) > SAME:
        raise BadInput(
            f"{path}: its layers do not form a chain (branches or several inputs); "
            "explain a layer of it with a spec instead"
        )
    if not explained:
        raise BadInput(f"{path} has no LSTM, GRU, SimpleRNN, RNN or Bidirectional layer")
    return explained
