"""FusedSimpleRNN gives what keras.layers.SimpleRNN gives: on torch from PyTorch's kernel."""

import numpy as np
from torch_kernels import run_on_torch

from lstm_lab.backend import keras, to_numpy
from lstm_lab.models.fused_simple_rnn import FusedSimpleRNN

TORCH_CHECK = """
import numpy as np, torch
from lstm_lab.backend import keras
from lstm_lab.models.fused_simple_rnn import FusedSimpleRNN

used = []
kernel_loop = FusedSimpleRNN._torch_kernel_loop
FusedSimpleRNN._torch_kernel_loop = lambda self, *a: used.append(1) or kernel_loop(self, *a)
x = np.random.default_rng(0).normal(size=(4, 9, 3)).astype("float32")
for options in ({}, {"return_sequences": True, "return_state": True}, {"use_bias": False},
                {"activation": "relu", "return_sequences": True},
                {"stateful": True, "return_sequences": True}):
    layers = []
    for layer in (keras.layers.SimpleRNN, FusedSimpleRNN):
        keras.utils.set_random_seed(0)
        layers.append(layer(5, **options))
        layers[-1](x)
    rng = np.random.default_rng(1)  # random biases too: Keras starts them at zero
    shapes = [w.shape for w in layers[0].get_weights()]
    weights = [rng.normal(scale=0.5, size=shape).astype("float32") for shape in shapes]
    for layer in layers:
        layer.set_weights(weights)
    def call(layer, inputs):
        if not options.get("stateful"):
            return layer(inputs)
        layer.reset_state()
        layer(x)  # the second call starts from the state the first left
        # as the lab's torch loop trains a stateful layer: the state's update to a scope
        state = [(v, v.value.detach().clone()) for v in layer.states]
        with keras.StatelessScope(state_mapping=state):
            return layer(inputs)

    forward, backward = differences(*(outputs_and_gradients(l, x, call) for l in layers))
    print(options, forward, backward)
    assert forward <= 1e-6 and backward <= 1e-5, (options, forward, backward)
assert len(used) >= 5, used  # every option set's fused layer ran the kernel
count = len(used)
# Where PyTorch's kernel cannot compute Keras's equations, Keras's own loop runs.
for options in ({"go_backwards": True}, {"activation": "sigmoid"}, {"dropout": 0.5}):
    FusedSimpleRNN(5, **options)(x, training=True)
assert len(used) == count, used
print("ok")
"""


def test_on_torch_the_fused_kernel_gives_keras_outputs_and_gradients():
    """Outputs within 1e-6 of Keras's loop, gradients within 1e-5 of their largest entry
    (float32 round-off of another order), a stateful layer's included; Keras's loop where
    the kernel's equations are not Keras's."""
    run_on_torch(TORCH_CHECK)


def test_elsewhere_it_is_keras_simple_rnn_and_saves_as_itself(tmp_path):
    x = np.random.default_rng(1).normal(size=(2, 7, 3)).astype("float32")
    layers = []
    for layer in (keras.layers.SimpleRNN, FusedSimpleRNN):
        keras.utils.set_random_seed(0)
        inputs = keras.Input(shape=(7, 3))
        layers.append(keras.Model(inputs, layer(4, return_sequences=True, name="rnn")(inputs)))
    layers[1].set_weights(layers[0].get_weights())
    assert np.abs(to_numpy(layers[0](x)) - to_numpy(layers[1](x))).max() <= 1e-6
    layers[1].save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.get_layer("rnn"), FusedSimpleRNN)
    assert np.abs(to_numpy(loaded(x)) - to_numpy(layers[1](x))).max() == 0.0
