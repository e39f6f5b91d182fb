"""lstm_lab.training.torch_step: the compiled training step takes Keras's own steps on torch."""

import functools
import importlib.util
import tempfile

import pytest

from conftest import run_result

CHECK = """
import json, sys, warnings
import numpy as np, torch
from lstm_lab.backend import keras
from lstm_lab.data.alphabet import tutorial_sequence
from lstm_lab.models.alphabet import stateful_alphabet_lstm
from lstm_lab.training.torch_step import TrainingStep

x, y = tutorial_sequence()
x_batches = torch.as_tensor(x.reshape(25, 1, 1, 1))
y_batches = torch.as_tensor(y.reshape(25, 1, 26))


class Peek(keras.layers.Layer):
    # Reads a value of its input in Python: a trace must refuse it, not freeze it.
    def call(self, inputs):
        return inputs * 0 if float(keras.ops.max(inputs)) > 1e9 else inputs


def model(learning_rate=1e-3, peeking=False):
    keras.utils.set_random_seed(3)
    built = stateful_alphabet_lstm(units=8, batch_size=1)
    if peeking:
        built = keras.Sequential([keras.Input(shape=(1, 1), batch_size=1), Peek(), *built.layers])
        built.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    built.optimizer.learning_rate = learning_rate
    built._symbolic_build(data_batch=(x[:1], y[:1], None))
    return built


def train(built, mode, epochs=4):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        step = TrainingStep(built, x_batches[0], y_batches[0], mode=mode)
    values = step.values()
    for _ in range(epochs):
        values = step.reset(values)
        for xb, yb in zip(x_batches, y_batches):
            values, loss = step(values, xb, yb)
    accuracy = float(step.metrics_result(values)["accuracy"])
    step.assign(values)
    return {"weights": [w.ravel().tolist() for w in built.get_weights()],
            "mode": step.mode,
            "accuracy": accuracy, "loss": float(loss),
            "warnings": [str(w.message) for w in caught
                         if str(w.message).startswith("the training step")]}


result = {mode: train(model(), mode) for mode in ("compiled", "traced", "op by op")}
if sys.argv[1] == "steps":
    result["other rate"] = train(model(learning_rate=2e-3), "op by op")
else:  # "without a compiler": the environment names none
    result["peeking"] = train(model(peeking=True), "compiled")
print("RESULT " + json.dumps(result))
"""


@functools.cache
def run(which, **environment):
    return run_result(CHECK, which, backend="torch", **environment)


@functools.cache
def without_a_compiler():
    # A fresh Inductor cache, so the compiler is needed; CXX names one that is not there.
    with tempfile.TemporaryDirectory() as cache:
        return run("without a compiler", CXX="/nonexistent/c++", TORCHINDUCTOR_CACHE_DIR=cache)


def gap(a, b):
    return max(abs(p - q) for w, v in zip(a["weights"], b["weights"]) for p, q in zip(w, v))


torch_only = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="no torch")


@torch_only
def test_the_compiled_step_takes_keras_steps_to_round_off():
    # 100 batch-1 steps of the stateful alphabet model; Inductor fuses the step's arithmetic,
    # so float32 round-off comes in another order: tolerance 1e-5 on every weight (measured
    # 6e-8; the control below 0.11).
    result = run("steps")
    compiled, op_by_op = result["compiled"], result["op by op"]
    assert compiled["mode"] == "compiled" and compiled["warnings"] == []
    assert op_by_op["mode"] == "op by op"
    assert gap(compiled, op_by_op) <= 1e-5
    assert compiled["accuracy"] == op_by_op["accuracy"]
    assert abs(compiled["loss"] - op_by_op["loss"]) <= 1e-5
    # Control: the same measure tells apart a training with another learning rate.
    assert gap(result["other rate"], op_by_op) >= 1e-3


@torch_only
def test_the_traced_step_takes_keras_steps_exactly():
    # The traced graph runs the same ATen ops in the same order: no tolerance.
    result = run("steps")
    traced, op_by_op = result["traced"], result["op by op"]
    assert traced["mode"] == "traced" and traced["warnings"] == []
    assert gap(traced, op_by_op) == 0.0
    assert (traced["accuracy"], traced["loss"]) == (op_by_op["accuracy"], op_by_op["loss"])
    assert gap(result["other rate"], traced) >= 1e-3


@torch_only
def test_a_value_read_while_tracing_is_refused_and_the_step_runs_op_by_op():
    peeking = without_a_compiler()["peeking"]
    assert peeking["mode"] == "op by op"
    assert len(peeking["warnings"]) == 1
    assert peeking["warnings"][0].startswith(
        "the training step could not be traced (GuardOnDataDependentSymNode: Could not guard "
        "on data-dependent expression"
    )
    assert peeking["warnings"][0].endswith("it runs op by op instead, slower")


@torch_only
def test_without_a_cpp_compiler_the_step_runs_traced():
    result = without_a_compiler()
    compiled = result["compiled"]
    assert compiled["mode"] == "traced"
    assert compiled["warnings"] == [compiled["warnings"][0]]
    assert compiled["warnings"][0].startswith(
        "the training step could not be compiled (InductorError: InvalidCxxCompiler: No working "
        "C++ compiler found"
    )
    assert compiled["warnings"][0].endswith("it runs traced instead, slower")
    assert gap(compiled, result["op by op"]) == 0.0
