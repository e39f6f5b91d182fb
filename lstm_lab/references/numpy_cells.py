"""Recurrent layers in NumPy, written from their equations.

They take the weights as Keras stores them (``layer.get_weights()``) and
compute in float64, with Keras's default activations (tanh, and the logistic
sigmoid for gates). ``x`` is batch-major: (batch, time, features).

Keras keeps each layer's gates side by side in the columns of ``kernel``
(features x k·units) and ``recurrent_kernel`` (units x k·units):

SimpleRNN (k = 1)::

    h_t = tanh(x_t W + h_{t-1} U + b)

LSTM (k = 4, blocks i, f, c, o; source C002 writes the same equations)::

    i = σ(x W_i + h U_i + b_i)    f = σ(x W_f + h U_f + b_f)    o = σ(x W_o + h U_o + b_o)
    c̃ = tanh(x W_c + h U_c + b_c)
    c_t = f ⊙ c_{t-1} + i ⊙ c̃       h_t = o ⊙ tanh(c_t)

GRU (k = 3, blocks z, r, h)::

    z = σ(x W_z + h U_z + b_z)      r = σ(x W_r + h U_r + b_r)
    reset_after=True  (Keras default, cuDNN and PyTorch): h̃ = tanh(x W_h + b_h + r ⊙ (h U_h + b'_h))
    reset_after=False (the 2014 paper):                   h̃ = tanh(x W_h + (r ⊙ h) U_h + b_h)
    h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃

With ``reset_after=True`` the bias has two rows: input biases ``b`` and recurrent biases ``b'``.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _split(matrix, parts):
    return np.split(np.asarray(matrix, dtype=np.float64), parts, axis=-1)


def simple_rnn_step(x, h, weights):
    kernel, recurrent_kernel, bias = weights
    return np.tanh(x @ kernel + h @ recurrent_kernel + bias)


def lstm_gates(x, h, weights):
    """The four gate values of one LSTM step: ``{"i", "f", "candidate", "o"}``."""
    kernel, recurrent_kernel, bias = weights
    z_i, z_f, z_c, z_o = _split(x @ kernel + h @ recurrent_kernel + bias, 4)
    return {"i": sigmoid(z_i), "f": sigmoid(z_f), "candidate": np.tanh(z_c), "o": sigmoid(z_o)}


def lstm_step(x, h, c, weights):
    gates = lstm_gates(x, h, weights)
    c = gates["f"] * c + gates["i"] * gates["candidate"]
    return gates["o"] * np.tanh(c), c


def gru_step(x, h, weights, reset_after=True):
    kernel, recurrent_kernel, bias = weights
    bias = np.asarray(bias, dtype=np.float64)
    input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, 0.0)
    x_z, x_r, x_h = _split(x @ kernel + input_bias, 3)
    u_z, u_r, u_h = _split(recurrent_kernel, 3)
    b_z, b_r, b_h = _split(np.broadcast_to(recurrent_bias, input_bias.shape), 3)
    z = sigmoid(x_z + h @ u_z + b_z)
    r = sigmoid(x_r + h @ u_r + b_r)
    if reset_after:
        candidate = np.tanh(x_h + r * (h @ u_h + b_h))
    else:
        candidate = np.tanh(x_h + (r * h) @ u_h)
    return z * h + (1.0 - z) * candidate


def _units(weights):
    return np.asarray(weights[1]).shape[0]


def _initial(x, weights, state):
    if state is None:
        return np.zeros((x.shape[0], _units(weights)))
    return np.asarray(state, dtype=np.float64)


def run_sequence(
    kind,
    x,
    weights,
    *,
    reset_after=True,
    h0=None,
    c0=None,
    mask=None,
    backwards=False,
    zero_output_for_mask=False,
):
    """One direction of a ``kind`` layer ("LSTM", "GRU", "SimpleRNN") over ``x`` (batch,
    steps, features): ``(outputs in processing order, final h, final c)`` (c stays the
    initial state but for an LSTM), with Keras's mask rule: a masked step keeps the state and
    repeats the previous output, or outputs zeros with ``zero_output_for_mask``."""
    x = np.asarray(x, dtype=np.float64)
    batch, steps = x.shape[:2]
    h, c = _initial(x, weights, h0), _initial(x, weights, c0)
    previous, outputs = np.zeros_like(h), []
    for t in range(steps - 1, -1, -1) if backwards else range(steps):
        if kind == "LSTM":
            new_h, new_c = lstm_step(x[:, t], h, c, weights)
        elif kind == "GRU":
            new_h, new_c = gru_step(x[:, t], h, weights, reset_after), c
        else:
            new_h, new_c = simple_rnn_step(x[:, t], h, weights), c
        keep = np.ones((batch, 1), bool) if mask is None else np.asarray(mask)[:, t][:, None]
        h, c = np.where(keep, new_h, h), np.where(keep, new_c, c)
        output = np.where(keep, new_h, np.zeros_like(h) if zero_output_for_mask else previous)
        outputs.append(output)
        previous = output
    return np.stack(outputs, axis=1), h, c


def simple_rnn(x, weights, h0=None):
    """Returns (sequence of h, final h)."""
    sequence, h, _ = run_sequence("SimpleRNN", x, weights, h0=h0)
    return sequence, h


def lstm(x, weights, h0=None, c0=None):
    """Returns (sequence of h, final h, final c)."""
    return run_sequence("LSTM", x, weights, h0=h0, c0=c0)


def gru(x, weights, reset_after=True, h0=None):
    """Returns (sequence of h, final h)."""
    sequence, h, _ = run_sequence("GRU", x, weights, reset_after=reset_after, h0=h0)
    return sequence, h


# Bidirectional's merge modes but concat.
MERGES = {
    "sum": lambda forward, backward: forward + backward,
    "mul": lambda forward, backward: forward * backward,
    "ave": lambda forward, backward: (forward + backward) / 2,
}


def reference_outputs(layer, a, x, mask):
    """What a built Keras ``layer`` (its anatomy ``a``, :func:`lstm_lab.probes.anatomy.
    anatomy_of`) should return on ``x`` with ``mask``, from its weights: a list in Keras's
    order."""
    if a["wrapper"] == "none":
        directions = [(layer, a["go_backwards"])]
    else:
        directions = [(layer.forward_layer, False), (layer.backward_layer, True)]
    results = []
    for sublayer, backwards in directions:
        weights = [np.asarray(w, dtype=np.float64) for w in sublayer.get_weights()]
        sequence, h, c = run_sequence(
            a["kind"], x, weights, reset_after=a["reset_after"], mask=mask,
            backwards=backwards, zero_output_for_mask=a["zero_output_for_mask"],
        )  # fmt: skip
        if backwards and a["wrapper"] != "none":
            sequence = sequence[:, ::-1]  # Bidirectional puts the backward sequence in input order
        output = sequence if a["return_sequences"] else h
        results.append((output, [h, c][: (2 if a["kind"] == "LSTM" else 1)]))
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
