"""ProjectedInputLSTM gives what keras.layers.LSTM gives, with every option the lab uses."""

import numpy as np
import pytest
from torch_kernels import run_on_torch

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
    if options.get("stateful"):  # outputs only: Keras's own loop cannot take gradients there
        outputs = []  # (the finding stateful_fit_raises)
        for layer in layers:
            layer.reset_state()
            layer(x)  # the second call starts from the state the first left
            outputs.append(layer(torch.tensor(x)).detach().numpy())
        forward, backward = float(np.abs(outputs[0] - outputs[1]).max()), 0.0
    else:
        forward, backward = differences(*(outputs_and_gradients(layer, x) for layer in layers))
    print(options, forward, backward)
    assert forward <= 1e-6 and backward <= 1e-5, (options, forward, backward)
assert len(used) >= 4
print("ok")
"""


def test_on_torch_the_fused_kernel_gives_keras_outputs_and_gradients():
    """On torch the layer runs PyTorch's LSTM kernel: outputs within 1e-6 of Keras's loop,
    gradients within 1e-5 of their largest entry (float32 round-off of another order)."""
    run_on_torch(TORCH_CHECK)


MASKED_CHECK = """
import numpy as np, torch
from lstm_lab.backend import keras
from lstm_lab.models.projected_lstm import ProjectedInputLSTM

used = []
packed = ProjectedInputLSTM._packed_lstm
ProjectedInputLSTM._packed_lstm = lambda self, *a: used.append(1) or packed(self, *a)
rng = np.random.default_rng(0)
x = rng.normal(size=(5, 7, 3)).astype("float32")
# post-padded, pre-padded, gaps, nothing unmasked, nothing masked
mask = np.array([[1, 1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 1, 1], [1, 0, 1, 0, 1, 0, 1],
                 [0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1]], dtype=bool)
initial = [rng.normal(size=(5, 4)).astype("float32") for _ in range(2)]
sequences = {"return_sequences": True, "return_state": True}
for options in ({}, sequences, {**sequences, "go_backwards": True},
                {**sequences, "zero_output_for_mask": True},
                {**sequences, "go_backwards": True, "zero_output_for_mask": True},
                {**sequences, "use_bias": False}, {"bidirectional": True}):
    layers = []
    for layer in (keras.layers.LSTM, ProjectedInputLSTM):
        keras.utils.set_random_seed(0)
        if options.get("bidirectional"):
            layers.append(keras.layers.Bidirectional(layer(4, return_sequences=True)))
        else:
            layers.append(layer(4, **options))
        layers[-1](x)
    layers[1].set_weights(layers[0].get_weights())
    given = {} if options.get("bidirectional") else {
        "initial_state": [torch.tensor(s) for s in initial]}
    masked = lambda layer, inputs: layer(inputs, mask=torch.tensor(mask), **given)
    runs = [outputs_and_gradients(layer, x, masked) for layer in layers]
    forward, backward = differences(*runs)
    # the control: the fused layer without the mask is far from Keras's masked loop
    unmasked = outputs_and_gradients(layers[1], x, lambda layer, inputs: layer(inputs, **given))
    far = min(float(np.abs(a - b).max()) for a, b in zip(runs[0][0], unmasked[0]))
    print(options, forward, backward, far)
    assert forward <= 1e-6 and backward <= 1e-5 and far > 0.01, options
assert len(used) >= 8
print("ok")
"""


def test_on_torch_the_fused_kernel_takes_keras_masks():
    """Behind a mask (post- or pre-padded, with gaps, or with no step at all), reversed, with
    ``zero_output_for_mask`` and in a Bidirectional wrapper, the layer's PyTorch kernel gives
    Keras's masked loop: outputs within 1e-6, gradients within 1e-5 of their largest entry;
    without the mask its outputs are more than 0.01 away (the mask is what is tested)."""
    run_on_torch(MASKED_CHECK)
