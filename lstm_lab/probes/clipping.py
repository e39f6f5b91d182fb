"""Gradient clipping: what Keras's ``clipnorm`` and ``global_clipnorm`` do.

Seed 003 clips each parameter's gradient separately: if ``||g|| > threshold``, use
``g * threshold / ||g||`` (same direction, norm = threshold), written as
``clip_grad_norm_(p, 10)`` for every parameter ``p``. ``clip_grad_norm_`` on all
parameters at once instead scales every gradient by the same factor, from their joint
norm. The functions here do both in NumPy, and ask a Keras optimizer what it does.
"""

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import keras


def clip_each(gradients, threshold):
    """Every gradient rescaled on its own to norm ``threshold`` if it is longer."""
    return [g * min(1.0, threshold / np.linalg.norm(g)) for g in gradients]


def clip_jointly(gradients, threshold):
    """All gradients rescaled by one factor, so that their joint norm is at most ``threshold``."""
    total = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in gradients))
    return [g * min(1.0, threshold / total) for g in gradients]


def keras_clipped(gradients, **clipping):
    """The gradients as a Keras optimizer applies them: one SGD step with learning rate 1
    from zero weights leaves minus the (clipped) gradient in each variable."""
    variables = [keras.Variable(np.zeros_like(g)) for g in gradients]
    keras.optimizers.SGD(learning_rate=1.0, **clipping).apply(
        [keras.ops.convert_to_tensor(g) for g in gradients], variables
    )
    return [-np.asarray(v) for v in variables]


def torch_clipped(gradients, threshold, jointly):
    """What ``torch.nn.utils.clip_grad_norm_`` leaves in the gradients, per parameter (the
    seed's loop) or over all of them; None without PyTorch."""
    from lstm_lab.references.torch_mapping import torch_or_reason

    torch, _ = torch_or_reason()
    if torch is None:
        return None
    parameters = [torch.nn.Parameter(torch.zeros(g.shape)) for g in gradients]
    for parameter, gradient in zip(parameters, gradients):
        parameter.grad = torch.from_numpy(np.array(gradient))
    for group in [parameters] if jointly else [[p] for p in parameters]:
        torch.nn.utils.clip_grad_norm_(group, threshold)
    return [p.grad.numpy() for p in parameters]


def probe_clipping(threshold=10.0, seed=0):
    """Largest differences between Keras's clipping (and an SGD step without it, a control) and
    the two NumPy definitions."""
    rng = np.random.default_rng(seed)
    # Shapes of a SimpleRNN(16) + Dense(1) on one feature; norms from about 3 to about 60.
    shapes, scales = [(1, 16), (16, 16), (16,), (16, 1), (1,)], [15.0, 4.0, 1.0, 2.0, 3.0]
    gradients = [
        rng.normal(scale=s, size=shape).astype(np.float32) for shape, s in zip(shapes, scales)
    ]
    each, jointly = clip_each(gradients, threshold), clip_jointly(gradients, threshold)
    by_clipnorm = keras_clipped(gradients, clipnorm=threshold)
    by_global = keras_clipped(gradients, global_clipnorm=threshold)
    unclipped = keras_clipped(gradients)  # the control: the same step with neither option

    def gap(a, b):
        return max(max_abs_difference(x, y) for x, y in zip(a, b))

    result = {
        "norms before": [round(float(np.linalg.norm(g)), 2) for g in gradients],
        "clipnorm - each separately": gap(by_clipnorm, each),
        "global_clipnorm - jointly": gap(by_global, jointly),
        "each separately - jointly": gap(each, jointly),
        "no clipping - each separately": gap(unclipped, each),
        "no clipping - jointly": gap(unclipped, jointly),
    }
    per_parameter = torch_clipped(gradients, threshold, jointly=False)
    if per_parameter is not None:
        result["clipnorm - torch clip_grad_norm_ per parameter"] = gap(by_clipnorm, per_parameter)
        result["global_clipnorm - torch clip_grad_norm_ on all"] = gap(
            by_global, torch_clipped(gradients, threshold, True)
        )
    return result
