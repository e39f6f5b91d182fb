"""benchmarks/bench_stateful_alphabet.py's plain PyTorch row trains the same model as the lab's
torch loop: with SGD, where Keras and PyTorch update alike, the weights agree to float32
round-off (atol 1e-6) while training moves them by more than 0.05; with the weights of
another seed as the start (the control) they do not."""

import json
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("torch")

CHECK = """
import json, sys
import numpy as np
sys.path.insert(0, "benchmarks")
import torch
import bench_stateful_alphabet as bench
from lstm_lab.backend import keras
from lstm_lab.data.alphabet import tutorial_sequence
from lstm_lab.models.alphabet import stateful_alphabet_lstm
from lstm_lab.training.loops import compiled_fit

torch.optim.Adam = lambda parameters, lr, eps: torch.optim.SGD(parameters, lr=0.1)
x, y = tutorial_sequence()
def model(seed):
    keras.utils.set_random_seed(seed)
    model = stateful_alphabet_lstm(units=8, batch_size=1)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy")
    return model
lab = model(3)
start = lab.get_weights()
compiled_fit(lab, x, y, 2, batch_size=1)
def largest(a, b):
    return max(float(np.max(np.abs(u - v))) for u, v in zip(a, b))
print(json.dumps({
    "moved": largest(start, lab.get_weights()),
    "same start": largest(bench.plain_pytorch(model(3), x, y, 2), lab.get_weights()),
    "other start": largest(bench.plain_pytorch(model(4), x, y, 2), lab.get_weights()),
}))
"""


def test_plain_pytorch_trains_the_lab_models_architecture():
    finished = subprocess.run(
        [sys.executable, "-c", CHECK, "--backend", "torch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["moved"] > 0.05
    assert result["same start"] < 1e-6
    assert result["other start"] > 0.05
