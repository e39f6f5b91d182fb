"""ProjectedInputLSTM gives what keras.layers.LSTM gives, with every option the lab uses."""

import numpy as np
import pytest

from lstm_lab.backend import keras, to_numpy
from lstm_lab.models.projected_lstm import ProjectedInputLSTM

# The forward pass takes the same products in the same order; 1e-6 allows for a backend
# that blocks one large product differently from many small ones.
SAME = 1e-6

OPTIONS = [
    {},
    {"return_sequences": True},
    {"return_sequences": True, "return_state": True},
    {"go_backwards": True, "return_sequences": True},
    {"unroll": True},
    {"use_bias": False},
]


def pair(options, mask_zero=False):
    """The same Embedding -> LSTM(5, **options) model with each layer, sharing weights."""
    models = []
    for layer in (keras.layers.LSTM, ProjectedInputLSTM):
        keras.utils.set_random_seed(1)
        inputs = keras.Input(shape=(6,), dtype="int32")
        x = keras.layers.Embedding(20, 3, mask_zero=mask_zero)(inputs)
        models.append(keras.Model(inputs, layer(5, name="lstm", **options)(x)))
    models[1].set_weights(models[0].get_weights())
    return models


def largest_difference(a, b):
    a = a if isinstance(a, (list, tuple)) else [a]
    b = b if isinstance(b, (list, tuple)) else [b]
    assert len(a) == len(b)
    return max(float(np.max(np.abs(to_numpy(p) - to_numpy(q)))) for p, q in zip(a, b))


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "default")
def test_the_same_outputs_as_keras_lstm(options):
    words = np.random.default_rng(0).integers(1, 20, size=(4, 6)).astype("int32")
    keras_lstm, projected = pair(options)
    assert largest_difference(keras_lstm(words), projected(words)) <= SAME


def test_the_same_outputs_behind_a_mask():
    words = np.array([[0, 0, 3, 4, 5, 6], [1, 2, 3, 0, 0, 0]], dtype="int32")
    keras_lstm, projected = pair({"return_sequences": True}, mask_zero=True)
    assert largest_difference(keras_lstm(words), projected(words)) <= SAME


def test_the_same_state_carried_by_a_stateful_layer():
    words = np.random.default_rng(1).integers(1, 20, size=(2, 6)).astype("int32")
    models = []
    for layer in (keras.layers.LSTM, ProjectedInputLSTM):
        keras.utils.set_random_seed(2)
        inputs = keras.Input(shape=(6,), batch_size=2, dtype="int32")
        x = keras.layers.Embedding(20, 3)(inputs)
        models.append(keras.Model(inputs, layer(5, stateful=True, name="lstm")(x)))
    models[1].set_weights(models[0].get_weights())
    for model in models:
        model(words)  # the second call starts from the state the first left
    assert largest_difference(models[0](words), models[1](words)) <= SAME


def test_a_saved_model_loads_with_the_layer(tmp_path):
    words = np.random.default_rng(2).integers(1, 20, size=(3, 6)).astype("int32")
    _, projected = pair({})
    projected.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.get_layer("lstm"), ProjectedInputLSTM)
    assert largest_difference(projected(words), loaded(words)) == 0.0


TORCH_CHECK = """
import numpy as np, torch
from lstm_lab.backend import keras
from lstm_lab.models.projected_lstm import ProjectedInputLSTM

used = []
kernel_loop = ProjectedInputLSTM._torch_kernel_loop
ProjectedInputLSTM._torch_kernel_loop = lambda self, *a: used.append(1) or kernel_loop(self, *a)
x = np.random.default_rng(0).normal(size=(4, 9, 3)).astype("float32")
for options in ({}, {"return_sequences": True, "return_state": True}, {"use_bias": False},
                {"stateful": True}):
    layers = []
    for layer in (keras.layers.LSTM, ProjectedInputLSTM):
        keras.utils.set_random_seed(0)
        layers.append(layer(5, **options))
        layers[-1](x)
    layers[1].set_weights(layers[0].get_weights())
    outputs, gradients = [], []
    for layer in layers:
        if options.get("stateful"):
            layer.reset_state()
            layer(x)  # the second call starts from the state the first left
        inputs = torch.tensor(x, requires_grad=True)
        out = layer(inputs)
        out = out if isinstance(out, (list, tuple)) else [out]
        outputs.append([o.detach().numpy() for o in out])
        if options.get("stateful"):  # Keras's own loop cannot: the finding stateful_fit_raises
            continue
        sum((o * o).sum() for o in out).backward()
        weights = [v.value.grad.numpy() for v in layer.trainable_variables]
        gradients.append([inputs.grad.numpy(), *weights])
    forward = max(float(np.abs(a - b).max()) for a, b in zip(*outputs))
    relative = [float(np.abs(a - b).max() / np.abs(a).max()) for a, b in zip(*gradients)]
    backward = max(relative, default=0.0)
    print(options, forward, backward)
    assert forward <= 1e-6 and backward <= 1e-5, (options, forward, backward)
assert len(used) >= 4
print("ok")
"""


def test_on_torch_the_fused_kernel_gives_keras_outputs_and_gradients():
    """On torch the layer runs PyTorch's LSTM kernel: outputs within 1e-6 of Keras's loop,
    gradients within 1e-5 of their largest entry (float32 round-off of another order)."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, "KERAS_BACKEND": "torch"}
    result = subprocess.run(
        [sys.executable, "-c", TORCH_CHECK], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0 and result.stdout.endswith("ok\n"), result.stderr[-2000:]
