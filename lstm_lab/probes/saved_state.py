"""Stateful layers under ``fit``, through saving, and across backends (experiment 09). Each
probe takes the option that turns it into its claim's control.

Reloading a model on another backend needs a second process per backend, since Keras fixes
its backend when it is first imported: :func:`reload_on` runs
``python -m lstm_lab.probes.saved_state PREDICTIONS MODEL... --backend B``, which reloads each
saved model there and prints its predictions' difference from the saved ones as one JSON line
per model.
"""

import importlib.util
import json
import sys
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from lstm_lab.arrays import max_abs_difference
from lstm_lab.backend import BACKEND, keras, to_numpy
from lstm_lab.builds import environment_line
from lstm_lab.errors import error_summary
from lstm_lab.probes.fresh_process import run_json_lines
from lstm_lab.training.states import reset_rnn_states

BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
SAME_STATE = 1e-5  # float32: the same state computed by fit's graph and by plain calls


def _stateful_model(kind, units, batch_size, steps, features, seed, optimizer="adam"):
    keras.utils.set_random_seed(seed)
    layer = {"LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}[kind]
    model = keras.Sequential(
        [
            keras.Input((steps, features), batch_size=batch_size),
            layer(units, stateful=True, name="recurrent"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _state(layer):
    return np.concatenate([to_numpy(s).ravel() for s in layer.states])


def probe_stateful_fit(way="fit", units=4, batch_size=2, batches=3, steps=5, features=3, seed=0):
    """``fit`` a stateful LSTM and a GRU one epoch of ``batches`` batches (no
    shuffling; learning rate 0, so that the weights stay those the reference runs with);
    ``way="fit, reset before each batch"``: a callback zeroes the state before each batch,
    the control, which carries nothing. Per layer: does the state it ends with equal the
    one plain calls carry through every batch from zeros (and differ from the last batch's
    alone), the two differences, or what fit raised."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch_size * batches, steps, features)).astype(np.float32)
    y = rng.normal(size=(batch_size * batches, 1)).astype(np.float32)
    batches = [x[start : start + batch_size] for start in range(0, len(x), batch_size)]
    result = {}
    for kind in ("LSTM", "GRU"):
        optimizer = keras.optimizers.SGD(learning_rate=0.0)
        model = _stateful_model(kind, units, batch_size, steps, features, seed, optimizer)
        layer = model.get_layer("recurrent")
        from lstm_lab.training.callbacks import ResetStatesBeforeBatch  # loads Keras

        callbacks = [ResetStatesBeforeBatch()] if "reset" in way else []
        try:
            model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
                      callbacks=callbacks)  # fmt: skip
        except Exception as error:  # what Keras raises is the observation
            result[f"{kind}: ends with the carried state"] = False
            result[f"{kind}: {way} raised"] = error_summary(error)
            continue
        ended = _state(layer)
        reset_rnn_states(model)
        for batch in batches:
            to_numpy(model(batch))
        carried = _state(layer)
        reset_rnn_states(model)
        to_numpy(model(batches[-1]))
        last_alone = _state(layer)
        from_carried = float(np.max(np.abs(ended - carried)))
        from_last = float(np.max(np.abs(ended - last_alone)))
        result[f"{kind}: ends with the carried state"] = from_carried <= SAME_STATE < from_last
        result[f"{kind}: |state - carried state|"] = from_carried
        result[f"{kind}: |state - last batch's alone|"] = from_last
    return result


def probe_saved_state(folder, units=4, steps=5, features=3, seed=0, reload=True):
    """A stateful LSTM fed one batch (so its state is not zero), saved as ``.keras``
    and reloaded (``reload=False``: the control, the saved model itself, its state kept). Is
    the state among the layer's weights, and is the model's next output the one from a zero
    state (the original's right after a reset)?"""
    x = np.random.default_rng(seed).normal(size=(1, steps, features)).astype(np.float32)
    model = _stateful_model("LSTM", units, 1, steps, features, seed)
    to_numpy(model(x))
    layer = model.get_layer("recurrent")
    state_when_saved = float(np.max(np.abs(_state(layer))))
    weights = {id(weight) for weight in layer.weights}
    path = Path(folder) / "stateful.keras"
    model.save(path)
    with warnings.catch_warnings():  # the never-used optimizer's variables: not the question
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        subject = keras.saving.load_model(path) if reload else model
    next_output = to_numpy(subject(x))
    reset_rnn_states(model)
    after_reset = to_numpy(model(x))
    return {
        "the state is not among the layer's weights": not any(
            id(state) in weights for state in layer.states
        ),
        "weights of the LSTM layer": len(layer.weights),
        "largest |state| when saved": state_when_saved,
        "next output - output from a zero state": max_abs_difference(next_output, after_reset),
    }


def save_trained_model(folder, units=8, samples=64, steps=10, features=3, seed=0):
    """A small LSTM regressor trained 2 epochs on this backend, saved in ``folder`` as
    ``<backend>.keras``, with its test input and predictions in ``<backend>.npz``; beside it,
    the same model before training (``-untrained``, the control: its predictions are known
    to differ) and trained but saved without its optimizer (``-uncompiled``). Returns
    ``{name: path}``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, steps, features)).astype(np.float32)
    y = x[:, -1, :1] + x[:, 0, 1:2]
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((steps, features)), keras.layers.LSTM(units), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    folder = Path(folder)
    paths = {"predictions": folder / f"{BACKEND}.npz"}
    paths["untrained"] = folder / f"{BACKEND}-untrained.keras"
    model.save(paths["untrained"])
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    paths["trained"] = folder / f"{BACKEND}.keras"
    model.save(paths["trained"])
    uncompiled = keras.Sequential(
        [keras.Input((steps, features)), keras.layers.LSTM(units), keras.layers.Dense(1)]
    )
    uncompiled.set_weights(model.get_weights())
    paths["uncompiled"] = folder / f"{BACKEND}-uncompiled.keras"
    uncompiled.save(paths["uncompiled"])
    np.savez(paths["predictions"], x=x, predictions=model.predict(x, verbose=0))
    return paths


def saved_optimizer(path):
    """The optimizer class a ``.keras`` file names (``"module.Class"``), or None."""
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    optimizer = (config.get("compile_config") or {}).get("optimizer")
    if not isinstance(optimizer, dict):
        return optimizer
    return f"{optimizer.get('module')}.{optimizer.get('class_name')}"


def reload_each(predictions, models):
    """Reload each model in this process and compare its predictions with the saved ones:
    ``{file name: {"max difference": d} or {"error": what Keras raised}}``."""
    return {Path(model).name: _reload(predictions, model) for model in models}


def reload_on(paths, backend, timeout=300):
    """Reload the models of :func:`save_trained_model` (``paths``) on ``backend``: in this
    process on this backend, else in a fresh one, controls first, so that a process that
    dies on the model leaves their answers. ``{file name: {"max difference": d} or {"error":
    ...}}`` (what Keras raised, or why the process died, with the versions involved), or
    ``{"not run": reason}`` when that backend is not installed."""
    models = [paths["uncompiled"], paths["untrained"], paths["trained"]]
    if backend == BACKEND:
        return reload_each(paths["predictions"], models)
    if importlib.util.find_spec(BACKEND_MODULES[backend]) is None:
        return {"not run": f"{backend} is not installed"}
    arguments = ["-m", "lstm_lab.probes.saved_state", str(paths["predictions"])]
    answers, error = run_json_lines(
        [*arguments, *map(str, models), "--backend", backend], timeout=timeout
    )
    found = {answer.pop("file"): answer for answer in answers if "file" in answer}
    return {
        Path(model).name: found.get(
            Path(model).name, {"error": f"{error} [{environment_line(backend)}]"}
        )
        for model in models
    }


def reload_on_each(paths, backends):
    """:func:`reload_on` for each of ``backends``, ``{backend: answers}``: the fresh
    processes start together, since each spends its first seconds importing a framework."""
    with ThreadPoolExecutor(max_workers=len(backends)) as pool:
        others = {b: pool.submit(reload_on, paths, b) for b in backends if b != BACKEND}
        here = reload_on(paths, BACKEND) if BACKEND in backends else None
        return {b: here if b == BACKEND else others[b].result() for b in backends}


def _reload(predictions, model_path):
    saved = np.load(predictions)
    try:
        with warnings.catch_warnings():  # the untrained model's unbuilt optimizer: not the question
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            model = keras.saving.load_model(model_path)
        reloaded = model.predict(saved["x"], verbose=0)
        return {"max difference": max_abs_difference(reloaded, saved["predictions"])}
    except Exception as error:  # what Keras raises is the observation
        return {"error": error_summary(error)}


if __name__ == "__main__":
    # python -m lstm_lab.probes.saved_state PREDICTIONS.npz MODEL.keras... --backend B (the
    # backend is read by lstm_lab.backend from the command line); one line per model, each
    # written at once, so that a process that dies later keeps the earlier answers
    arguments = (
        sys.argv[1 : sys.argv.index("--backend")] if "--backend" in sys.argv else sys.argv[1:]
    )
    for model_path in arguments[1:]:
        answer = {"file": Path(model_path).name, **_reload(arguments[0], model_path)}
        print(json.dumps(answer), flush=True)
