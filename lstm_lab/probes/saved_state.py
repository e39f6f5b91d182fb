"""Stateful layers under ``fit``, through saving, and across backends (claims K3-05, K3-07,
K3-09; experiment 09).

K3-09 needs a second process per backend, since Keras fixes its backend when it is first
imported: :func:`reload_on` runs ``python -m lstm_lab.probes.saved_state MODEL --backend B``,
which reloads a saved model there and prints its predictions' difference as JSON.
"""

import importlib.util
import json
import sys
import warnings
from pathlib import Path

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import BACKEND, keras, to_numpy
from lstm_lab.builds import environment_line
from lstm_lab.errors import error_summary
from lstm_lab.probes.fresh_process import run_json
from lstm_lab.training.states import reset_rnn_states

BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def _stateful_model(kind, units, batch_size, steps, features, seed):
    keras.utils.set_random_seed(seed)
    layer = {"LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}[kind]
    model = keras.Sequential(
        [
            keras.Input((steps, features), batch_size=batch_size),
            layer(units, stateful=True, name="recurrent"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def probe_stateful_fit(units=4, batch_size=2, batches=3, steps=5, features=3, seed=0):
    """K3-05: ``fit`` one epoch of a stateful LSTM and GRU (no shuffling, no reset). Per
    layer: does fit run (or what it raises), and the largest |state| after it: zero means the
    state was not carried from batch to batch. For comparison, the largest |state| after
    ``predict_on_batch`` and after plain calls on the same batches in order."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch_size * batches, steps, features)).astype(np.float32)
    y = rng.normal(size=(batch_size * batches, 1)).astype(np.float32)
    batches = [x[start : start + batch_size] for start in range(0, len(x), batch_size)]
    result = {}
    for kind in ("LSTM", "GRU"):
        model = _stateful_model(kind, units, batch_size, steps, features, seed)
        layer = model.get_layer("recurrent")

        def largest_state(layer=layer):
            return max(float(np.max(np.abs(to_numpy(s)))) for s in layer.states)

        try:
            model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
            result[f"{kind}: fit runs"] = True
            result[f"{kind}: largest |state| after fit"] = largest_state()
        except Exception as raised:  # what Keras raises is the observation
            result[f"{kind}: fit runs"] = False
            result[f"{kind}: fit error"] = error_summary(raised)
        for way, call in [("predict_on_batch", model.predict_on_batch), ("calls", model)]:
            reset_rnn_states(model)
            for batch in batches:
                to_numpy(call(batch))
            result[f"{kind}: largest |state| after {way}"] = largest_state()
    return result


def probe_saved_state(folder, units=4, steps=5, features=3, seed=0):
    """K3-07: a stateful LSTM fed one batch (so its state is not zero), saved as ``.keras``
    and reloaded. Is the state among the layer's weights, and does the reloaded model start
    from zeros (its first output equals the original's right after a reset)?"""
    x = np.random.default_rng(seed).normal(size=(1, steps, features)).astype(np.float32)
    model = _stateful_model("LSTM", units, 1, steps, features, seed)
    to_numpy(model(x))
    layer = model.get_layer("recurrent")
    state_before_saving = max(float(np.max(np.abs(to_numpy(s)))) for s in layer.states)
    path = Path(folder) / "stateful.keras"
    model.save(path)
    with warnings.catch_warnings():  # the never-used optimizer's variables: not the question
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        reloaded = keras.saving.load_model(path)
    reloaded_first = to_numpy(reloaded(x))
    continued = to_numpy(model(x))
    reset_rnn_states(model)
    after_reset = to_numpy(model(x))
    return {
        "weights of the LSTM layer": len(layer.weights),
        "largest |state| when saved": state_before_saving,
        "reloaded first output - output after a reset": max_abs_difference(
            reloaded_first, after_reset
        ),
        "reloaded first output - output continuing the state": max_abs_difference(
            reloaded_first, continued
        ),
    }


def save_trained_model(folder, units=8, samples=64, steps=10, features=3, seed=0):
    """K3-09: a small LSTM regressor trained 2 epochs on this backend, saved as
    ``<folder>/<backend>.keras`` with its test input and predictions beside it."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, steps, features)).astype(np.float32)
    y = x[:, -1, :1] + x[:, 0, 1:2]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((steps, features)), keras.layers.LSTM(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    path = Path(folder) / f"{BACKEND}.keras"
    model.save(path)
    np.savez(path.with_suffix(".npz"), x=x, predictions=model.predict(x, verbose=0))
    return path


def reload_on(model_path, backend, timeout=300):
    """Reload ``model_path`` on ``backend`` in a fresh process: ``{"max difference": d}``
    against the saved predictions, ``{"error": ...}`` (what Keras raised, or why the process
    died, with the versions involved), or ``{"not run": reason}`` when that backend is not
    installed."""
    if importlib.util.find_spec(BACKEND_MODULES[backend]) is None:
        return {"not run": f"{backend} is not installed"}
    result = run_json(
        ["-m", "lstm_lab.probes.saved_state", str(model_path), "--backend", backend],
        timeout=timeout,
    )
    if "error" in result:
        result["error"] += f" [{environment_line(backend)}]"
    return result


def _reload_and_compare(model_path):
    model_path = Path(model_path)
    saved = np.load(model_path.with_suffix(".npz"))
    try:
        model = keras.saving.load_model(model_path)
        predictions = model.predict(saved["x"], verbose=0)
        result = {"max difference": max_abs_difference(predictions, saved["predictions"])}
    except Exception as raised:  # what Keras raises is the observation
        result = {"error": error_summary(raised)}
    print(json.dumps(result))


if __name__ == "__main__":
    # python -m lstm_lab.probes.saved_state MODEL.keras --backend B (the backend is read by
    # lstm_lab.backend from the command line)
    _reload_and_compare(sys.argv[1])
