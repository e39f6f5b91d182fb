"""Keras recurrent weights in PyTorch: the mapping, checked on random inputs.

PyTorch is optional (``pip install -e ".[torch]"``); :func:`torch_or_reason` says why
it cannot be used when it is not installed, and raises :class:`TorchBroken` when it is
installed but fails to import (that is an error, not a reason to skip).

The mapping (Keras stores ``kernel`` (f, k·u), ``recurrent_kernel`` (u, k·u), ``bias``;
PyTorch ``weight_ih`` (k·u, f), ``weight_hh`` (k·u, u), ``bias_ih`` and ``bias_hh``):

- LSTM: both use the gate order i, f, c (PyTorch calls it g), o, so
  ``weight_ih = kernel.T``, ``weight_hh = recurrent_kernel.T``, ``bias_ih = bias`` and
  ``bias_hh = 0``: PyTorch's second bias is redundant, so a PyTorch LSTM has 4u more
  parameters for the same function.
- GRU: Keras orders the gates z, r, h, PyTorch r, z, n; Keras's default
  ``reset_after=True`` is PyTorch's formula, and its two bias rows are ``bias_ih`` and
  ``bias_hh``. (``reset_after=False`` has no PyTorch equivalent.)
- Bidirectional, stacked: layer k's forward weights go to ``*_l{k}``, its backward
  weights to ``*_l{k}_reverse``; ``h_n`` stacks (layer 0 forward, layer 0 backward,
  layer 1 forward, …), so it is (layers × directions, batch, units).
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras, to_numpy
from lstm_lab.errors import error_summary

TOLERANCE = 1e-5


class TorchBroken(RuntimeError):
    """PyTorch is installed but fails to import (a missing shared library, a broken build)."""


def torch_or_reason():
    """``(torch, None)``, or ``(None, why)`` when PyTorch is not installed: the one declared
    cause for its checks not to run. Any other failure to import it raises
    :class:`TorchBroken` with the error's message."""
    try:
        import torch
    except ModuleNotFoundError as error:
        if error.name != "torch":  # a module torch itself needs: torch is there but broken
            raise TorchBroken(f"PyTorch fails to import: {error_summary(error)}") from error
        return None, f"PyTorch is not installed ({error}); pip install -e '.[torch]'"
    except Exception as error:  # OSError for a missing shared library, ImportError, ...
        raise TorchBroken(f"PyTorch fails to import: {error_summary(error)}") from error
    return torch, None


def _torch():
    torch, reason = torch_or_reason()
    if torch is None:
        raise RuntimeError(reason)
    return torch


def _gru_gates_to_torch(matrix):
    """Keras z, r, h blocks along the last axis -> PyTorch r, z, n."""
    z, r, h = np.split(np.asarray(matrix), 3, axis=-1)
    return np.concatenate([r, z, h], axis=-1)


def check_mappable(layer, reverse=False):
    """ValueError naming every setting of the Keras ``layer`` that PyTorch's ``nn.LSTM`` /
    ``nn.GRU`` cannot compute; ``reverse``: the layer fills a ``_reverse`` (backward) slot."""
    kind = type(layer).__name__
    if kind not in ("LSTM", "GRU"):
        raise ValueError(f"no PyTorch mapping for a {kind} layer (LSTM and GRU have one)")
    config = layer.get_config()
    problems = []
    if config["activation"] != "tanh":
        problems.append(f"activation={config['activation']!r} (PyTorch uses tanh)")
    if config["recurrent_activation"] != "sigmoid":
        problems.append(
            f"recurrent_activation={config['recurrent_activation']!r} (PyTorch uses sigmoid)"
        )
    if kind == "GRU" and not config["reset_after"]:
        problems.append("reset_after=False (PyTorch computes the reset_after=True form)")
    if config["go_backwards"] != reverse:
        where = "a backward (_reverse) slot" if reverse else "a forward slot"
        problems.append(f"go_backwards={config['go_backwards']} in {where}")
    if problems:
        raise ValueError(f"{kind} cannot be mapped to PyTorch: " + "; ".join(problems))


def torch_parameters(layer, reverse=False, reorder_gates=True):
    """A Keras LSTM or GRU layer's weights as ``{name: array}`` for PyTorch (``weight_ih``,
    ``weight_hh``, ``bias_ih``, ``bias_hh``); a layer without bias maps to zero biases.
    ValueError (from :func:`check_mappable`) for settings PyTorch cannot compute.
    ``reorder_gates=False`` copies a GRU's gates in Keras's order, the porting mistake
    (experiment 02's control for the Keras-to-PyTorch mapping)."""
    check_mappable(layer, reverse)
    kind = type(layer).__name__
    reorder = _gru_gates_to_torch if reorder_gates else np.asarray
    kernel, recurrent_kernel, *bias = layer.get_weights()
    gates = 4 if kind == "LSTM" else 3
    if kind == "LSTM":
        bias = bias[0] if bias else np.zeros(gates * layer.units, dtype=kernel.dtype)
        return {
            "weight_ih": kernel.T,
            "weight_hh": recurrent_kernel.T,
            "bias_ih": bias,
            "bias_hh": np.zeros_like(bias),
        }
    bias = bias[0] if bias else np.zeros((2, gates * layer.units), dtype=kernel.dtype)
    return {
        "weight_ih": reorder(kernel).T,
        "weight_hh": reorder(recurrent_kernel).T,
        "bias_ih": reorder(bias[0]),
        "bias_hh": reorder(bias[1]),
    }


def load_into_torch(torch_module, layers, reorder_gates=True):
    """Copy Keras layers into a PyTorch module. ``layers``: one Keras LSTM or GRU per PyTorch
    layer and direction, in PyTorch's order (layer 0 forward, layer 0 backward, …); names
    follow PyTorch (``weight_ih_l0``, ``…_l0_reverse``). A module built with ``bias=False``
    takes only layers without bias. ``reorder_gates``: as :func:`torch_parameters`."""
    import torch

    directions = 2 if torch_module.bidirectional else 1
    with torch.no_grad():
        for index, layer in enumerate(layers):
            number, direction = divmod(index, directions)
            suffix = f"_l{number}" + ("_reverse" if direction else "")
            parameters = torch_parameters(layer, bool(direction), reorder_gates)
            for name, value in parameters.items():
                if name.startswith("bias") and not torch_module.bias:
                    if np.any(value):
                        raise ValueError("a PyTorch module with bias=False cannot take biases")
                    continue
                getattr(torch_module, name + suffix).copy_(
                    torch.from_numpy(np.ascontiguousarray(value))
                )


def _random_weights(layer, rng):
    layer.set_weights(
        [rng.normal(scale=0.4, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    )


def _largest_difference(pairs):
    return max(max_abs_difference(a, b.detach().numpy()) for a, b in pairs)


def compare_single_layer(kind, units=5, steps=7, features=4, batch=3, seed=0, reorder_gates=True):
    """A Keras LSTM or GRU and the PyTorch layer with its weights: outputs and final states.
    ``reorder_gates=False``: a GRU's gates copied in Keras's order (known to differ)."""
    torch = _torch()
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    layer = getattr(keras.layers, kind)(units, return_sequences=True, return_state=True)
    layer(x)
    _random_weights(layer, rng)
    keras_outputs = [to_numpy(t) for t in layer(x)]

    module = getattr(torch.nn, kind)(features, units, batch_first=True)
    load_into_torch(module, [layer], reorder_gates)
    with torch.no_grad():
        sequence, state = module(torch.from_numpy(x))
    torch_states = state if kind == "LSTM" else (state,)
    pairs = [(keras_outputs[0], sequence)] + [
        (keras_state, torch_state[0])
        for keras_state, torch_state in zip(keras_outputs[1:], torch_states)
    ]
    return {
        "max abs difference": _largest_difference(pairs),
        "keras parameters": layer.count_params(),
        "torch parameters": sum(p.numel() for p in module.parameters()),
        "torch h_n shape": list(torch_states[0].shape),
    }


def compare_bidirectional_stack(units=5, steps=7, features=4, batch=3, seed=0):
    """Two stacked Bidirectional Keras LSTMs against
    ``nn.LSTM(num_layers=2, bidirectional=True)``."""
    torch = _torch()
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    inputs = keras.Input(shape=(steps, features))
    lower = keras.layers.Bidirectional(
        keras.layers.LSTM(units, return_sequences=True, return_state=True)
    )
    upper = keras.layers.Bidirectional(
        keras.layers.LSTM(units, return_sequences=True, return_state=True)
    )
    sequence_0, *states_0 = lower(inputs)
    sequence_1, *states_1 = upper(sequence_0)
    model = keras.Model(inputs, [sequence_1, *states_0, *states_1])
    for layer in (lower, upper):
        _random_weights(layer, rng)
    sequence, fh0, fc0, bh0, bc0, fh1, fc1, bh1, bc1 = (to_numpy(t) for t in model(x))

    module = torch.nn.LSTM(features, units, num_layers=2, bidirectional=True, batch_first=True)
    per_direction = [
        direction
        for layer in (lower, upper)
        for direction in (layer.forward_layer, layer.backward_layer)
    ]
    load_into_torch(module, per_direction)
    with torch.no_grad():
        torch_sequence, (h_n, c_n) = module(torch.from_numpy(x))
    pairs = [(sequence, torch_sequence)]
    pairs += [(keras_h, h_n[i]) for i, keras_h in enumerate([fh0, bh0, fh1, bh1])]
    pairs += [(keras_c, c_n[i]) for i, keras_c in enumerate([fc0, bc0, fc1, bc1])]
    return {
        "max abs difference": _largest_difference(pairs),
        "keras parameters": model.count_params(),
        "torch parameters": sum(p.numel() for p in module.parameters()),
        "torch h_n shape": list(h_n.shape),
    }


def torch_rnn_shapes(layers, steps=10, batch=3, features=100, units=20, seed=0, batch_first=False):
    """``nn.RNN(100, 20)`` on x (10, 3, 100) with a zero h0; ``batch_first=True``
    (the control) reads the same x as 10 sequences of 3 steps."""
    torch = _torch()
    torch.manual_seed(seed)
    module = torch.nn.RNN(features, units, num_layers=layers, batch_first=batch_first)
    x = torch.randn(steps, batch, features)
    with torch.no_grad():
        out, h = module(x, torch.zeros(layers, x.shape[0 if batch_first else 1], units))
    return {"out": list(out.shape), "h": list(h.shape)}
