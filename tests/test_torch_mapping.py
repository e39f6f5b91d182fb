"""Keras weights in PyTorch give the same outputs (tolerance 1e-5). CI installs torch, so
there a missing torch fails instead of skipping."""

import os
import re

import numpy as np
import pytest

from lstm_lab.backend import keras
from lstm_lab.references import torch_mapping

torch = pytest.importorskip("torch") if os.environ.get("CI") != "true" else __import__("torch")


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_a_single_layer_maps_exactly(kind):
    result = torch_mapping.compare_single_layer(kind)
    assert result["max abs difference"] <= torch_mapping.TOLERANCE
    assert result["torch h_n shape"] == [1, 3, 5]


def test_pytorch_lstm_has_a_redundant_second_bias():
    result = torch_mapping.compare_single_layer("LSTM", units=5, features=4)
    assert result["keras parameters"] == 4 * 5 * (4 + 5 + 1)
    assert result["torch parameters"] == result["keras parameters"] + 4 * 5


def test_a_stacked_bidirectional_lstm_maps_exactly():
    result = torch_mapping.compare_bidirectional_stack()
    assert result["max abs difference"] <= torch_mapping.TOLERANCE
    assert result["torch h_n shape"] == [4, 3, 5]  # (layers x directions, batch, units)


def test_keras_clipping_matches_torch_clip_grad_norm():
    from lstm_lab.probes.clipping import probe_clipping

    result = probe_clipping()
    assert result["clipnorm - torch clip_grad_norm_ per parameter"] <= 1e-6
    assert result["global_clipnorm - torch clip_grad_norm_ on all"] <= 1e-6


def test_the_seed_003_shapes():
    assert torch_mapping.torch_rnn_shapes(1) == {"out": [10, 3, 20], "h": [1, 3, 20]}
    assert torch_mapping.torch_rnn_shapes(2) == {"out": [10, 3, 20], "h": [2, 3, 20]}


def built(layer, features=4, steps=7):
    layer(np.zeros((1, steps, features), dtype=np.float32))
    return layer


@pytest.mark.parametrize(
    "layer, message",
    [
        (keras.layers.GRU(5, reset_after=False), "reset_after=False"),
        (keras.layers.LSTM(5, activation="relu"), "activation='relu'"),
        (keras.layers.LSTM(5, recurrent_activation="hard_sigmoid"), "recurrent_activation="),
        (keras.layers.LSTM(5, go_backwards=True), "go_backwards=True in a forward slot"),
        (
            keras.layers.GRU(5, activation="relu", go_backwards=True),
            "(PyTorch uses tanh); go_backwards=True",
        ),
        (keras.layers.SimpleRNN(5), "no PyTorch mapping for a SimpleRNN layer"),
    ],
)
def test_settings_pytorch_cannot_compute_are_refused_by_name(layer, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        torch_mapping.torch_parameters(built(layer))


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_a_layer_without_bias_maps_to_zero_biases(kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 7, 4)).astype(np.float32)
    layer = built(getattr(keras.layers, kind)(5, use_bias=False, return_sequences=True))
    layer.set_weights([rng.normal(scale=0.4, size=w.shape) for w in layer.get_weights()])
    for bias in (True, False):
        module = getattr(torch.nn, kind)(4, 5, batch_first=True, bias=bias)
        torch_mapping.load_into_torch(module, [layer])
        with torch.no_grad():
            sequence, _ = module(torch.from_numpy(x))
        assert np.max(np.abs(sequence.numpy() - np.asarray(layer(x)))) <= torch_mapping.TOLERANCE


def importing_torch_raises(monkeypatch, error):
    import builtins

    real_import = builtins.__import__

    def failing(name, *args, **kwargs):
        if name == "torch":
            raise error
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing)


def test_a_missing_torch_is_explained(monkeypatch):
    importing_torch_raises(
        monkeypatch, ModuleNotFoundError("No module named 'torch'", name="torch")
    )
    module, reason = torch_mapping.torch_or_reason()
    assert module is None and "pip install -e '.[torch]'" in reason


@pytest.mark.parametrize(
    "error",
    [
        OSError("libtorch_cpu.so: cannot open shared object file: No such file or directory"),
        ImportError("cannot import name '_C' from partially initialized module 'torch'"),
        ModuleNotFoundError("No module named 'torch._C'", name="torch._C"),
        ModuleNotFoundError(
            "No module named 'numpy.core.multiarray'", name="numpy.core.multiarray"
        ),
    ],
)
def test_an_installed_torch_that_fails_to_import_is_an_error_not_a_skip(monkeypatch, error):
    # Only a torch that is not installed makes its claims "not run"; any other failure is
    # reported with its message, so that a broken install never passes as a skipped check.
    importing_torch_raises(monkeypatch, error)
    with pytest.raises(torch_mapping.TorchBroken, match=re.escape(str(error))):
        torch_mapping.torch_or_reason()


def test_a_gru_mapped_without_reordering_its_gates_differs():
    # L-02-03's control: the porting mistake the mapping exists to avoid.
    result = torch_mapping.compare_single_layer("GRU", reorder_gates=False)
    assert result["max abs difference"] > 100 * torch_mapping.TOLERANCE


def test_batch_first_reads_the_seed_003_input_as_ten_sequences():
    assert torch_mapping.torch_rnn_shapes(2, batch_first=True) == {
        "out": [10, 3, 20],
        "h": [2, 10, 20],
    }
