"""What the fused-kernel tests share: each runs a script on torch in a fresh process that
compares Keras's layer with the lab's fused one on outputs and gradients. The script is run
after this file's source, so it can call these functions."""

from pathlib import Path


def outputs_and_gradients(layer, x, call=None):
    """The outputs of ``call(layer, inputs)`` (default ``layer(inputs)``) on ``x`` as arrays,
    and the gradients of their summed squares with respect to the inputs and each trainable
    weight."""
    import torch

    inputs = torch.tensor(x, requires_grad=True)
    out = call(layer, inputs) if call else layer(inputs)
    out = out if isinstance(out, (list, tuple)) else [out]
    sum((o * o).sum() for o in out).backward()
    weights = [v.value.grad.numpy() for v in layer.trainable_variables]
    return [o.detach().numpy() for o in out], [inputs.grad.numpy(), *weights]


def differences(expected, fused):
    """``(forward, backward)``: the largest output difference between two
    :func:`outputs_and_gradients` results, and the largest gradient difference relative to
    that gradient's largest entry."""
    import numpy as np

    forward = max(float(np.abs(a - b).max()) for a, b in zip(expected[0], fused[0]))
    backward = max(
        float(np.abs(a - b).max() / np.abs(a).max()) for a, b in zip(expected[1], fused[1])
    )
    return forward, backward


def run_on_torch(script):
    """Run ``script`` after this file on Keras's torch backend; it must print "ok" last."""
    from conftest import run_python

    result = run_python("-c", Path(__file__).read_text() + script, KERAS_BACKEND="torch")
    assert result.returncode == 0 and result.stdout.endswith("ok\n"), result.stderr[-2000:]
